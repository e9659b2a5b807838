#include "core/engine/matte_service.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <opencv2/imgproc.hpp>

#include <torch/torch.h>

#include "core/engine/engine.h"  // defaultModelsDir
#include "core/model/device.h"
#include "core/model/isnet.h"
#include "core/util/sha256.h"

namespace boxanim {

namespace {

std::string boxKey(const Box& b) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.17g,%.17g,%.17g,%.17g", b.x1, b.y1, b.x2, b.y2);
    return buf;
}

std::string strokesKey(const std::vector<Stroke>& strokes) {
    std::ostringstream ss;
    ss.precision(17);
    for (const Stroke& s : strokes) {
        ss << (s.mode == StrokeMode::Include ? 'i' : 'e') << s.radius << ':';
        for (const auto& p : s.points) ss << p[0] << ',' << p[1] << ';';
        ss << '|';
    }
    return ss.str();
}

// A small cache that forgets the oldest entries first.
template <class V>
class BoundedCache {
public:
    explicit BoundedCache(std::size_t capacity) : capacity_(capacity) {}
    bool get(const std::string& key, V& out) const {
        auto it = map_.find(key);
        if (it == map_.end()) return false;
        out = it->second;
        return true;
    }
    void put(const std::string& key, V value) {
        if (map_.emplace(key, std::move(value)).second) order_.push_back(key);
        while (order_.size() > capacity_) {
            map_.erase(order_.front());
            order_.pop_front();
        }
    }
    void clear() {
        map_.clear();
        order_.clear();
    }

private:
    std::size_t capacity_;
    std::map<std::string, V> map_;
    std::deque<std::string> order_;
};

}  // namespace

struct MatteService::Impl {
    std::string modelsDir;
    std::mutex mutex;  // guards everything below except the network itself
    MatteMode mode = MatteMode::Combined;
    int inputSize = 0;
    bool tried = false;  // the load was attempted and has finished (net set or notice)
    std::string notice;
    BoundedCache<MattePrior> priors{64};
    BoundedCache<cv::Mat> mattes{32};
    BoundedCache<MatteBase> bases{32};  // stroke-free cuts: a stroke starts from one
    BoundedCache<cv::Mat> strokeCuts{64};  // strokeCut's labels per base and strokes
    double lastNetworkSeconds = 0;
    int networkRuns = 0;
    int cutsPrepared = 0;

    std::mutex netMutex;  // one inference at a time (it uses every core anyway)
    model::IsNet net{nullptr};
    torch::Device device{torch::kCPU};
    int manifestInputSize = 512;

    // Loads the weights once; false (with `notice` set) when they are missing
    // or damaged. Caller holds netMutex.
    bool ensureNetwork() {
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (tried) return static_cast<bool>(net);
        }
        try {
            auto loaded = model::loadVerifiedIsNet(modelsDir);
            device = model::resolveDevice("auto");
            model::configureRuntime(device);
            loaded.net->to(device);
            std::lock_guard<std::mutex> lock(mutex);
            net = loaded.net;
            manifestInputSize = loaded.entry.inputSize;
            tried = true;
            return true;
        } catch (const std::exception& e) {
            std::string what = e.what();
            if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
            std::lock_guard<std::mutex> lock(mutex);
            notice = "subject masks: IS-Net unavailable (" + what + "); mattes from grabCut alone";
            tried = true;
            return false;
        }
    }

    cv::Mat runNetwork(const cv::Mat& cropBgr, int side) {
        cv::Mat rgb, resized;
        cv::cvtColor(cropBgr, rgb, cv::COLOR_BGR2RGB);
        const bool shrink = cropBgr.cols > side || cropBgr.rows > side;
        cv::resize(rgb, resized, cv::Size(side, side), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
        cv::Mat f;
        resized.convertTo(f, CV_32FC3, 1.0 / 255.0, -0.5);
        const auto t0 = std::chrono::steady_clock::now();
        cv::Mat prob(side, side, CV_32FC1);
        {
            // OpenMP's thread count is per calling thread: give this one the
            // count configureRuntime chose (the caller may be a new thread).
            at::init_num_threads();
            c10::InferenceMode guard;  // thread-local: entered on the calling worker
            torch::Tensor x = torch::from_blob(f.data, {1, side, side, 3}, torch::kFloat32)
                                  .permute({0, 3, 1, 2})
                                  .contiguous()
                                  .to(device);
            torch::Tensor y = net->forward(x).to(torch::kCPU).contiguous();
            std::memcpy(prob.data, y.data_ptr<float>(), sizeof(float) * side * side);
        }
        {
            std::lock_guard<std::mutex> lock(mutex);
            lastNetworkSeconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            ++networkRuns;
        }
        cv::Mat out;
        cv::resize(prob, out, cropBgr.size(), 0, 0, cv::INTER_LINEAR);
        return out;
    }
};

MatteService::MatteService(std::string modelsDir) : d_(std::make_unique<Impl>()) {
    d_->modelsDir = modelsDir.empty() ? defaultModelsDir() : std::move(modelsDir);
}

MatteService::~MatteService() = default;

std::shared_ptr<MatteService> MatteService::shared(const std::string& modelsDir) {
    static std::mutex m;
    static std::map<std::string, std::shared_ptr<MatteService>> services;
    const std::string dir = modelsDir.empty() ? defaultModelsDir() : modelsDir;
    std::lock_guard<std::mutex> lock(m);
    auto& s = services[dir];
    if (!s) s = std::make_shared<MatteService>(dir);
    return s;
}

std::string MatteService::imageKey(const cv::Mat& image) {
    if (image.empty()) return "empty";
    cv::Mat c = image.isContinuous() ? image : image.clone();
    return std::to_string(c.cols) + "x" + std::to_string(c.rows) + "t" + std::to_string(c.type()) +
           ":" + sha256Hex(c.data, c.total() * c.elemSize());
}

void MatteService::setUseNetwork(bool use) {
    setMode(use ? MatteMode::Combined : MatteMode::GrabCutOnly);
}

void MatteService::setMode(MatteMode mode) {
    std::lock_guard<std::mutex> lock(d_->mutex);
    d_->mode = mode;
}

bool MatteService::usesNetwork() const {
    std::lock_guard<std::mutex> lock(d_->mutex);
    return d_->mode != MatteMode::GrabCutOnly;
}

void MatteService::setInputSize(int side) {
    std::lock_guard<std::mutex> lock(d_->mutex);
    if (side != d_->inputSize)
        d_->priors.clear(), d_->mattes.clear(), d_->bases.clear(), d_->strokeCuts.clear();
    d_->inputSize = side;
}

int MatteService::inputSize() {
    {
        std::lock_guard<std::mutex> lock(d_->netMutex);
        d_->ensureNetwork();
    }
    std::lock_guard<std::mutex> lock(d_->mutex);
    return d_->inputSize > 0 ? d_->inputSize : d_->manifestInputSize;
}

bool MatteService::networkAvailable() {
    {
        // Once loaded, answer without netMutex: it is held for a whole
        // inference, and the editor's matte worker asks before every job.
        std::lock_guard<std::mutex> lock(d_->mutex);
        if (d_->tried) return static_cast<bool>(d_->net);
    }
    std::lock_guard<std::mutex> lock(d_->netMutex);
    return d_->ensureNetwork();
}

std::string MatteService::notice() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    return d_->notice;
}

double MatteService::lastNetworkSeconds() const {
    std::lock_guard<std::mutex> lock(d_->mutex);
    return d_->lastNetworkSeconds;
}

int MatteService::cutsPrepared() const {
    std::lock_guard<std::mutex> lock(d_->mutex);
    return d_->cutsPrepared;
}

int MatteService::networkRuns() const {
    std::lock_guard<std::mutex> lock(d_->mutex);
    return d_->networkRuns;
}

void MatteService::clearCache() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    d_->priors.clear();
    d_->mattes.clear();
    d_->bases.clear();
    d_->strokeCuts.clear();
}

MattePrior MatteService::prior(const cv::Mat& image, const std::string& keyIn, const Box& box) {
    bool use;
    int side;
    {
        std::lock_guard<std::mutex> lock(d_->mutex);
        use = d_->mode != MatteMode::GrabCutOnly;
        side = d_->inputSize;
    }
    if (!use) return {};
    const cv::Rect crop = priorCropRect(image.size(), box);
    if (crop.area() == 0) return {};
    const std::string key = (keyIn.empty() ? imageKey(image) : keyIn) + "|" + boxKey(box) + "|" +
                            std::to_string(side);
    MattePrior cached;
    {
        std::lock_guard<std::mutex> lock(d_->mutex);
        if (d_->priors.get(key, cached)) return cached;
    }
    std::lock_guard<std::mutex> netLock(d_->netMutex);
    {
        std::lock_guard<std::mutex> lock(d_->mutex);  // another worker may have made it meanwhile
        if (d_->priors.get(key, cached)) return cached;
    }
    if (!d_->ensureNetwork()) return {};
    MattePrior p;
    p.crop = crop;
    p.probability = d_->runNetwork(image(crop), side > 0 ? side : d_->manifestInputSize);
    std::lock_guard<std::mutex> lock(d_->mutex);
    d_->priors.put(key, p);
    return p;
}

cv::Mat MatteService::matte(const cv::Mat& image, const std::string& keyIn, const Box& box,
                            const std::vector<Stroke>& strokes) {
    const std::string imgKey = keyIn.empty() ? imageKey(image) : keyIn;
    MatteMode mode;
    int side;
    {
        std::lock_guard<std::mutex> lock(d_->mutex);
        mode = d_->mode;
        side = d_->inputSize;
    }
    const std::string key = imgKey + "|" + boxKey(box) + "|" + strokesKey(strokes) + "|" +
                            std::to_string(static_cast<int>(mode)) + "|" + std::to_string(side);
    cv::Mat cached;
    {
        std::lock_guard<std::mutex> lock(d_->mutex);
        if (d_->mattes.get(key, cached)) return cached;
    }
    cv::Mat m;
    if (mode == MatteMode::NetworkOnly) {
        const MattePrior p = prior(image, imgKey, box);
        m = cv::Mat::zeros(image.size(), CV_32FC1);
        if (!p.probability.empty()) p.probability.copyTo(m(p.crop));
    } else {
        // The stroke-free cut is shared by every stroke on this box: a
        // stroke re-runs only finishMatte's few cuts.
        const cv::Rect wr = matteWorkingRect(image.size(), box, strokes);
        const std::string baseKey = imgKey + "|" + boxKey(box) + "|" + std::to_string(wr.x) + "," +
                                    std::to_string(wr.y) + "," + std::to_string(wr.width) + "," +
                                    std::to_string(wr.height) + "|" +
                                    std::to_string(static_cast<int>(mode)) + "|" + std::to_string(side);
        MatteBase base;
        bool have;
        {
            std::lock_guard<std::mutex> lock(d_->mutex);
            have = d_->bases.get(baseKey, base);
        }
        if (!have) {
            // The network runs on its own thread while grabCut's colour cut
            // (one core) runs here; the fused cut then waits for it
            // (docs/BENCHMARKS.md, Mattes). The future's destructor waits for
            // the network whatever happens here.
            std::future<MattePrior> pending;
            if (mode != MatteMode::GrabCutOnly)
                pending = std::async(std::launch::async, [&] { return prior(image, imgKey, box); });
            base = prepareMatte(image, box, strokes,
                                [&] { return pending.valid() ? pending.get() : MattePrior{}; });
            std::lock_guard<std::mutex> lock(d_->mutex);
            d_->bases.put(baseKey, base);
            ++d_->cutsPrepared;
        }
        // A new stroke's cuts start from the previous strokes' labels when
        // they are cached (the editor's case), so a stroke costs one stroke's
        // cuts; the result is the same as replaying every stroke.
        cv::Mat cut;
        if (!strokes.empty()) {
            const std::vector<Stroke> before(strokes.begin(), strokes.end() - 1);
            cv::Mat previous;
            {
                std::lock_guard<std::mutex> lock(d_->mutex);
                d_->strokeCuts.get(baseKey + "|" + strokesKey(before), previous);
            }
            cut = strokeCut(base, strokes, {}, previous, before.size());
            std::lock_guard<std::mutex> lock(d_->mutex);
            d_->strokeCuts.put(baseKey + "|" + strokesKey(strokes), cut);
        }
        m = finishMatte(image, base, strokes, cut);
    }
    std::lock_guard<std::mutex> lock(d_->mutex);
    d_->mattes.put(key, m);
    return m;
}

std::vector<cv::Mat> MatteService::mattes(const cv::Mat& image, const Project& project,
                                          std::vector<std::string>* notices) {
    const std::string key = imageKey(image);
    std::vector<cv::Mat> out;
    out.reserve(project.objects.size());
    for (const Object& o : project.objects) {
        const Keyframe* k = o.keyframeAt(0);
        if (!k) {
            out.push_back(cv::Mat::zeros(image.size(), CV_32FC1));
            continue;
        }
        // Cached mattes are shared: the occlusion below must not touch them.
        out.push_back(matte(image, key, k->box, o.strokes).clone());
    }
    occludeFrontToBack(out);
    if (notices) {
        const std::string n = notice();
        if (!n.empty()) notices->push_back(n);
    }
    return out;
}

}  // namespace boxanim
