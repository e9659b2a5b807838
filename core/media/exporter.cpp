#include "core/media/exporter.h"

#include "core/media/media_log.h"

#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <regex>
#include <stdexcept>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace boxanim {

namespace {

namespace fs = std::filesystem;

std::string avError(int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(err, buf, sizeof buf);
    return buf;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string randomSuffix() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char* hex = "0123456789abcdef";
    std::string s;
    std::uint64_t v = rng();
    for (int i = 0; i < 8; ++i, v >>= 4) s += hex[v & 15];
    return s;
}

// Destination with any trailing separators removed (a PNG directory "out/").
fs::path cleanPath(const std::string& path) {
    std::string p = path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return fs::path(p);
}

// A hidden sibling of `dest`: ".NAME.part-PID-XXXXXXXX[.ext]" in the same
// folder, so the final rename never crosses file systems. The writer's pid in
// the name lets a later run tell a dead writer's leftovers (SIGKILL, power
// loss) from a live one's (removeStaleTemps).
fs::path siblingTemp(const fs::path& dest, const char* tag, bool keepExtension) {
    fs::path parent = dest.parent_path();
    if (parent.empty()) parent = ".";
    std::string name = "." + dest.filename().string() + "." + tag + "-" +
                       std::to_string(static_cast<long>(::getpid())) + "-" + randomSuffix();
    if (keepExtension) name += dest.extension().string();
    return parent / name;
}

// Removes ".NAME.part-PID-..." and ".NAME.old-PID-..." siblings of `dest`
// whose writing process no longer exists. Another live process's temporary
// output (a parallel render to the same name) is left alone.
void removeStaleTemps(const fs::path& dest) {
    fs::path parent = dest.parent_path();
    if (parent.empty()) parent = ".";
    const std::string base = "." + dest.filename().string() + ".";
    std::error_code ec;
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.compare(0, base.size(), base) != 0) continue;
        std::size_t o = base.size();
        if (name.compare(o, 5, "part-") == 0) o += 5;
        else if (name.compare(o, 4, "old-") == 0) o += 4;
        else continue;
        const std::size_t dash = name.find('-', o);
        if (dash == std::string::npos || dash == o || dash - o > 9) continue;
        if (name.find_first_not_of("0123456789", o) != dash) continue;
        const long pid = std::stol(name.substr(o, dash - o));
        if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
        stale.push_back(entry.path());
    }
    for (const fs::path& p : stale) fs::remove_all(p, ec);
}

bool isFrameName(const std::string& name) {
    static const std::regex re("frame_[0-9]{5,}\\.png");
    return std::regex_match(name, re);
}

// Determinism (issue 14 item 11): with identical frames in, libx264 inside
// BoxAnim wrote different MP4s from run to run when the machine was loaded
// (±2 at the frame's edges), while the same frames through the ffmpeg tool
// did not differ: the encoder reads heap memory it never wrote, whose old
// contents depend on what LibTorch freed before. With glibc filling every
// new allocation with a fixed byte (M_PERTURB) 8 of 8 loaded renders were
// identical; the cost was within noise (2.25 vs 2.55 s for a 48-frame
// 1024x768 render). Set once, before the first encoder opens.
void initialiseHeapForEncoders() {
#ifdef __GLIBC__
    static std::once_flag once;
    std::call_once(once, [] { mallopt(M_PERTURB, 0x5a); });
#endif
}

cv::Mat toBgr(const cv::Mat& frame) {
    if (frame.type() == CV_8UC3) return frame;
    cv::Mat bgr;
    if (frame.type() == CV_8UC4)
        cv::cvtColor(frame, bgr, cv::COLOR_BGRA2BGR);
    else if (frame.type() == CV_8UC1)
        cv::cvtColor(frame, bgr, cv::COLOR_GRAY2BGR);
    else
        throw std::invalid_argument("Exporter: frames must be 8-bit BGR, BGRA or grey");
    return bgr;
}

}  // namespace

const char* toString(ExportFormat format) {
    switch (format) {
        case ExportFormat::Mp4: return "mp4";
        case ExportFormat::WebM: return "webm";
        case ExportFormat::Gif: return "gif";
        case ExportFormat::PngSequence: return "png";
    }
    return "?";
}

std::optional<ExportFormat> exportFormatFromPath(const std::string& path) {
    if (path.empty()) return std::nullopt;
    if (path.back() == '/') return ExportFormat::PngSequence;
    const std::string ext = lower(fs::path(path).extension().string());
    // A video extension means that video, also when a folder of that name
    // exists (the Exporter then refuses it; issue 14 item 5).
    if (ext == ".mp4") return ExportFormat::Mp4;
    if (ext == ".webm") return ExportFormat::WebM;
    if (ext == ".gif") return ExportFormat::Gif;
    if (ext.empty()) return ExportFormat::PngSequence;
    std::error_code ec;
    if (fs::is_directory(path, ec)) return ExportFormat::PngSequence;
    return std::nullopt;
}

std::optional<ExportFormat> exportFormatFromName(const std::string& name) {
    const std::string n = lower(name);
    if (n == "mp4") return ExportFormat::Mp4;
    if (n == "webm") return ExportFormat::WebM;
    if (n == "gif") return ExportFormat::Gif;
    if (n == "png") return ExportFormat::PngSequence;
    return std::nullopt;
}

cv::Size encodedSize(ExportFormat format, cv::Size size) {
    if (format == ExportFormat::Mp4) return {(size.width + 1) & ~1, (size.height + 1) & ~1};
    return size;
}

struct Exporter::Impl {
    std::string path;
    fs::path dest, tmp;
    ExportFormat format = ExportFormat::Mp4;
    cv::Size size, enc;
    int fps = 24;
    ExportOptions options;
    int frames = 0;
    bool done = false;

    AVFormatContext* oc = nullptr;
    AVCodecContext* cc = nullptr;
    AVStream* st = nullptr;
    SwsContext* sws = nullptr;
    AVFrame* frame = nullptr;  // encoder input (yuv420p) or filter input (bgr24)
    AVFrame* filtered = nullptr;
    AVPacket* pkt = nullptr;
    AVFilterGraph* graph = nullptr;
    AVFilterContext* src = nullptr;
    AVFilterContext* sink = nullptr;

    [[noreturn]] void fail(const std::string& what) { throw MediaError(path, what); }
    void check(int err, const char* what) {
        if (err < 0) fail(std::string(what) + ": " + avError(err));
    }

    void openFile();
    void openPngDir();
    void setupGifFilter();
    void encode(AVFrame* f);
    void pullFiltered(bool flushing);
    void release();
    void removeTemp();
};

void Exporter::Impl::openFile() {
    // libav logs encoder statistics on stderr; our errors carry the reason.
    applyAvLogLevel();
    std::error_code ec;
    if (fs::is_directory(dest, ec)) fail("is a directory; cannot write a video file there");
    tmp = siblingTemp(dest, "part", true);
    // Create the temporary file ourselves first: a clear errno for unwritable
    // destinations, before any encoder is set up.
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int err = errno;
        std::string why = std::strerror(err);
        if (err == ENOENT) {
            if (fs::is_directory(tmp.parent_path(), ec))
                why = "cannot create files in folder " + tmp.parent_path().string() + " (" + why + ")";
            else
                why += " (folder " + tmp.parent_path().string() + " does not exist)";
        }
        tmp.clear();
        fail("cannot write: " + why);
    }
    ::close(fd);

    const bool gif = format == ExportFormat::Gif;
    const char* muxer = format == ExportFormat::Mp4 ? "mp4" : format == ExportFormat::WebM ? "webm" : "gif";
    const char* encoder =
        format == ExportFormat::Mp4 ? "libx264" : format == ExportFormat::WebM ? "libvpx-vp9" : "gif";
    check(avformat_alloc_output_context2(&oc, nullptr, muxer, tmp.c_str()), "cannot set up the muxer");
    const AVCodec* codec = avcodec_find_encoder_by_name(encoder);
    if (!codec) fail(std::string("this FFmpeg build has no ") + encoder + " encoder");
    st = avformat_new_stream(oc, nullptr);
    cc = avcodec_alloc_context3(codec);
    pkt = av_packet_alloc();
    if (!st || !cc || !pkt) fail("out of memory setting up the encoder");

    cc->width = enc.width;
    cc->height = enc.height;
    cc->time_base = AVRational{1, fps};
    cc->framerate = AVRational{fps, 1};
    cc->sample_aspect_ratio = AVRational{1, 1};
    cc->thread_count = 0;
    if (gif) {
        cc->pix_fmt = AV_PIX_FMT_PAL8;
        setupGifFilter();
    } else {
        cc->pix_fmt = AV_PIX_FMT_YUV420P;
        cc->gop_size = std::max(1, 2 * fps);
        // swscale's RGB -> YUV default: BT.601, limited range. Say so in the file.
        cc->color_range = AVCOL_RANGE_MPEG;
        cc->colorspace = AVCOL_SPC_SMPTE170M;
        cc->color_primaries = AVCOL_PRI_SMPTE170M;
        cc->color_trc = AVCOL_TRC_SMPTE170M;
    }
    if (oc->oformat->flags & AVFMT_GLOBALHEADER) cc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

    AVDictionary* copts = nullptr;
    if (format == ExportFormat::Mp4) {
        av_dict_set(&copts, "preset", options.x264Preset.c_str(), 0);
        av_dict_set_int(&copts, "crf", options.quality >= 0 ? options.quality : 20, 0);
    } else if (format == ExportFormat::WebM) {
        cc->bit_rate = 0;  // constant quality
        av_dict_set_int(&copts, "crf", options.quality >= 0 ? options.quality : 32, 0);
        av_dict_set(&copts, "deadline", "good", 0);
        av_dict_set(&copts, "cpu-used", "5", 0);
        av_dict_set(&copts, "row-mt", "1", 0);
    }
    initialiseHeapForEncoders();
    const int err = avcodec_open2(cc, codec, &copts);
    av_dict_free(&copts);
    check(err, "cannot open the encoder");
    check(avcodec_parameters_from_context(st->codecpar, cc), "cannot configure the stream");
    st->time_base = cc->time_base;
    st->avg_frame_rate = st->r_frame_rate = AVRational{fps, 1};

    check(avio_open(&oc->pb, tmp.c_str(), AVIO_FLAG_WRITE), "cannot write");
    AVDictionary* mopts = nullptr;
    if (format == ExportFormat::Mp4) av_dict_set(&mopts, "movflags", "+faststart", 0);
    if (gif) av_dict_set(&mopts, "loop", options.gifLoop ? "0" : "-1", 0);
    const int herr = avformat_write_header(oc, &mopts);
    av_dict_free(&mopts);
    check(herr, "cannot write the file header");

    frame = av_frame_alloc();
    if (!frame) fail("out of memory");
    frame->format = gif ? AV_PIX_FMT_BGR24 : AV_PIX_FMT_YUV420P;
    frame->width = gif ? size.width : enc.width;
    frame->height = gif ? size.height : enc.height;
    check(av_frame_get_buffer(frame, 0), "cannot allocate a frame");
    if (!gif) {
        sws = sws_getContext(enc.width, enc.height, AV_PIX_FMT_BGR24, enc.width, enc.height,
                             AV_PIX_FMT_YUV420P, SWS_BILINEAR | SWS_ACCURATE_RND, nullptr, nullptr,
                             nullptr);
        if (!sws) fail("cannot set up the colour conversion");
    }
}

void Exporter::Impl::setupGifFilter() {
    graph = avfilter_graph_alloc();
    filtered = av_frame_alloc();
    if (!graph || !filtered) fail("out of memory setting up the GIF filter");
    char args[256];
    std::snprintf(args, sizeof args,
                  "video_size=%dx%d:pix_fmt=%d:time_base=1/%d:pixel_aspect=1/1:frame_rate=%d/1",
                  size.width, size.height, static_cast<int>(AV_PIX_FMT_BGR24), fps, fps);
    check(avfilter_graph_create_filter(&src, avfilter_get_by_name("buffer"), "in", args, nullptr,
                                       graph),
          "cannot create the GIF filter source");
    check(avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", nullptr,
                                       nullptr, graph),
          "cannot create the GIF filter sink");
    AVFilterInOut* outputs = avfilter_inout_alloc();
    AVFilterInOut* inputs = avfilter_inout_alloc();
    outputs->name = av_strdup("in");
    outputs->filter_ctx = src;
    outputs->pad_idx = 0;
    outputs->next = nullptr;
    inputs->name = av_strdup("out");
    inputs->filter_ctx = sink;
    inputs->pad_idx = 0;
    inputs->next = nullptr;
    // One palette for the whole clip (stats over every frame), then dithered
    // mapping of each frame onto it: the two-pass palettegen/paletteuse recipe.
    const char* spec =
        "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a";
    const int err = avfilter_graph_parse_ptr(graph, spec, &inputs, &outputs, nullptr);
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    check(err, "cannot build the GIF filter graph");
    check(avfilter_graph_config(graph, nullptr), "cannot configure the GIF filter graph");
}

void Exporter::Impl::encode(AVFrame* f) {
    check(avcodec_send_frame(cc, f), "encoder refused a frame");
    for (;;) {
        const int err = avcodec_receive_packet(cc, pkt);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) break;
        check(err, "encoding failed");
        if (pkt->duration == 0) pkt->duration = 1;  // one frame, in 1/fps
        av_packet_rescale_ts(pkt, cc->time_base, st->time_base);
        pkt->stream_index = st->index;
        check(av_interleaved_write_frame(oc, pkt), "cannot write");
    }
}

void Exporter::Impl::pullFiltered(bool flushing) {
    for (;;) {
        const int err = av_buffersink_get_frame(sink, filtered);
        if (err == AVERROR(EAGAIN)) {
            if (flushing) fail("GIF filter stalled");
            break;
        }
        if (err == AVERROR_EOF) break;
        check(err, "GIF filter failed");
        filtered->pict_type = AV_PICTURE_TYPE_NONE;
        encode(filtered);
        av_frame_unref(filtered);
    }
}

void Exporter::Impl::openPngDir() {
    std::error_code ec;
    if (fs::exists(dest, ec)) {
        if (!fs::is_directory(dest, ec)) fail("exists and is not a directory");
        for (const auto& entry : fs::directory_iterator(dest, ec)) {
            if (!isFrameName(entry.path().filename().string()))
                fail("folder exists and holds other files (" + entry.path().filename().string() +
                     "); choose a new or empty folder");
        }
        if (ec) fail("cannot read: " + ec.message());
    }
    tmp = siblingTemp(dest, "part", false);
    if (!fs::create_directory(tmp, ec) || ec) {
        const std::string why = ec ? ec.message() : "cannot create a folder";
        tmp.clear();
        fail("cannot write: " + why);
    }
}

void Exporter::Impl::release() {
    if (oc) {
        if (oc->pb) avio_closep(&oc->pb);
        avformat_free_context(oc);
        oc = nullptr;
    }
    avcodec_free_context(&cc);
    av_frame_free(&frame);
    av_frame_free(&filtered);
    av_packet_free(&pkt);
    avfilter_graph_free(&graph);
    src = sink = nullptr;
    if (sws) {
        sws_freeContext(sws);
        sws = nullptr;
    }
    st = nullptr;
}

void Exporter::Impl::removeTemp() {
    if (tmp.empty()) return;
    std::error_code ec;
    fs::remove_all(tmp, ec);
    tmp.clear();
}

Exporter::Exporter(const std::string& path, ExportFormat format, cv::Size size, int fps,
                   const ExportOptions& options)
    : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    d.path = path;
    d.dest = cleanPath(path);
    d.format = format;
    d.size = size;
    d.enc = boxanim::encodedSize(format, size);
    d.fps = fps;
    d.options = options;
    if (path.empty()) throw std::invalid_argument("Exporter: empty output path");
    if (size.width < 1 || size.height < 1 || size.width > 16384 || size.height > 16384)
        throw std::invalid_argument("Exporter: frame size must be 1..16384 on each side");
    if (fps < 1 || fps > 1000) throw std::invalid_argument("Exporter: fps must be 1..1000");
    removeStaleTemps(d.dest);
    try {
        if (format == ExportFormat::PngSequence)
            d.openPngDir();
        else
            d.openFile();
    } catch (...) {
        d.release();
        d.removeTemp();
        throw;
    }
}

Exporter::Exporter(const std::string& path, cv::Size size, int fps, const ExportOptions& options)
    : Exporter(path,
               [&] {
                   const auto f = exportFormatFromPath(path);
                   if (!f)
                       throw MediaError(path, "unknown output format (use .mp4, .webm, .gif or a "
                                              "folder for PNG frames)");
                   return *f;
               }(),
               size, fps, options) {}

Exporter::~Exporter() { abort(); }

void Exporter::abort() {
    if (!impl_ || impl_->done) return;
    impl_->release();
    impl_->removeTemp();
}

void Exporter::addFrame(const cv::Mat& input) {
    Impl& d = *impl_;
    if (d.done) throw std::logic_error("Exporter: addFrame after finish");
    if (d.tmp.empty()) throw std::logic_error("Exporter: addFrame after abort");
    if (input.size() != d.size)
        throw std::invalid_argument("Exporter: frame is " + std::to_string(input.cols) + "x" +
                                    std::to_string(input.rows) + ", expected " +
                                    std::to_string(d.size.width) + "x" +
                                    std::to_string(d.size.height));
    const cv::Mat bgr = toBgr(input);
    if (d.format == ExportFormat::PngSequence) {
        char name[32];
        std::snprintf(name, sizeof name, "frame_%05d.png", d.frames);
        const fs::path file = d.tmp / name;
        bool ok = false;
        try {
            ok = cv::imwrite(file.string(), bgr, {cv::IMWRITE_PNG_COMPRESSION, 3});
        } catch (const cv::Exception& e) {
            d.fail("cannot write " + file.filename().string() + ": " + e.err);
        }
        if (!ok) d.fail("cannot write " + file.filename().string());
        ++d.frames;
        return;
    }
    d.check(av_frame_make_writable(d.frame), "cannot reuse a frame buffer");
    if (d.format == ExportFormat::Gif) {
        for (int y = 0; y < d.size.height; ++y)
            std::memcpy(d.frame->data[0] + static_cast<std::ptrdiff_t>(y) * d.frame->linesize[0],
                        bgr.ptr(y), static_cast<std::size_t>(d.size.width) * 3);
        d.frame->pts = d.frames;
        d.check(av_buffersrc_add_frame_flags(d.src, d.frame, AV_BUFFERSRC_FLAG_KEEP_REF),
                "GIF filter refused a frame");
        ++d.frames;
        d.pullFiltered(false);
        return;
    }
    cv::Mat padded = bgr;
    if (d.enc != d.size)
        cv::copyMakeBorder(bgr, padded, 0, d.enc.height - d.size.height, 0,
                           d.enc.width - d.size.width, cv::BORDER_REPLICATE);
    if (!padded.isContinuous()) padded = padded.clone();
    const uint8_t* srcData[1] = {padded.data};
    const int srcStride[1] = {static_cast<int>(padded.step[0])};
    sws_scale(d.sws, srcData, srcStride, 0, d.enc.height, d.frame->data, d.frame->linesize);
    d.frame->pts = d.frames;
    d.encode(d.frame);
    ++d.frames;
}

void Exporter::finish() {
    Impl& d = *impl_;
    if (d.done) return;
    if (d.tmp.empty()) throw std::logic_error("Exporter: finish after abort");
    try {
        if (d.frames == 0) d.fail("no frames to write");
        std::error_code ec;
        if (d.format == ExportFormat::PngSequence) {
            if (fs::exists(d.dest, ec)) {
                // Replace an earlier export: move it aside, move the new one in.
                const fs::path old = siblingTemp(d.dest, "old", false);
                fs::rename(d.dest, old, ec);
                if (ec) d.fail("cannot replace: " + ec.message());
                fs::rename(d.tmp, d.dest, ec);
                if (ec) {
                    std::error_code ec2;
                    fs::rename(old, d.dest, ec2);
                    d.fail("cannot move the frames into place: " + ec.message());
                }
                fs::remove_all(old, ec);
            } else {
                fs::rename(d.tmp, d.dest, ec);
                if (ec) d.fail("cannot move the frames into place: " + ec.message());
            }
            d.tmp.clear();
            d.done = true;
            return;
        }
        if (d.format == ExportFormat::Gif) {
            d.check(av_buffersrc_add_frame_flags(d.src, nullptr, 0), "cannot close the GIF filter");
            d.pullFiltered(true);
        }
        d.encode(nullptr);
        d.check(av_write_trailer(d.oc), "cannot finish the file");
        d.check(avio_closep(&d.oc->pb), "cannot close");
        d.release();
        fs::rename(d.tmp, d.dest, ec);
        if (ec) d.fail("cannot move the file into place: " + ec.message());
        d.tmp.clear();
        d.done = true;
    } catch (...) {
        d.release();
        d.removeTemp();
        throw;
    }
}

const std::string& Exporter::path() const { return impl_->path; }
ExportFormat Exporter::format() const { return impl_->format; }
cv::Size Exporter::size() const { return impl_->size; }
cv::Size Exporter::encodedSize() const { return impl_->enc; }
int Exporter::fps() const { return impl_->fps; }
int Exporter::framesWritten() const { return impl_->frames; }
bool Exporter::finished() const { return impl_->done; }

void exportFrames(const std::vector<cv::Mat>& frames, const std::string& path, int fps,
                  const ExportOptions& options) {
    if (frames.empty()) throw std::invalid_argument("exportFrames: no frames");
    Exporter exporter(path, frames.front().size(), fps, options);
    for (const cv::Mat& f : frames) exporter.addFrame(f);
    exporter.finish();
}

VideoInfo probeVideo(const std::string& path) {
    applyAvLogLevel();
    VideoInfo info;
    AVFormatContext* ic = nullptr;
    int err = avformat_open_input(&ic, path.c_str(), nullptr, nullptr);
    if (err < 0) throw MediaError(path, "cannot open: " + avError(err));
    AVCodecContext* dc = nullptr;
    AVPacket* pkt = av_packet_alloc();
    AVFrame* frame = av_frame_alloc();
    auto cleanup = [&] {
        av_frame_free(&frame);
        av_packet_free(&pkt);
        avcodec_free_context(&dc);
        avformat_close_input(&ic);
    };
    try {
        if ((err = avformat_find_stream_info(ic, nullptr)) < 0)
            throw MediaError(path, "cannot read stream info: " + avError(err));
        const AVCodec* codec = nullptr;
        const int index = av_find_best_stream(ic, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
        if (index < 0 || !codec) throw MediaError(path, "no decodable video stream");
        AVStream* st = ic->streams[index];
        info.codec = avcodec_get_name(st->codecpar->codec_id);
        const char* pf = av_get_pix_fmt_name(static_cast<AVPixelFormat>(st->codecpar->format));
        info.pixelFormat = pf ? pf : "";
        info.width = st->codecpar->width;
        info.height = st->codecpar->height;
        info.fpsNum = st->r_frame_rate.num;
        info.fpsDen = st->r_frame_rate.den;
        if (ic->duration > 0) info.duration = static_cast<double>(ic->duration) / AV_TIME_BASE;
        dc = avcodec_alloc_context3(codec);
        if (!dc) throw MediaError(path, "out of memory");
        avcodec_parameters_to_context(dc, st->codecpar);
        if ((err = avcodec_open2(dc, codec, nullptr)) < 0)
            throw MediaError(path, "cannot open the decoder: " + avError(err));
        auto drain = [&] {
            while (avcodec_receive_frame(dc, frame) >= 0) {
                ++info.frames;
                av_frame_unref(frame);
            }
        };
        while (av_read_frame(ic, pkt) >= 0) {
            if (pkt->stream_index == index && avcodec_send_packet(dc, pkt) >= 0) drain();
            av_packet_unref(pkt);
        }
        avcodec_send_packet(dc, nullptr);
        drain();
    } catch (...) {
        cleanup();
        throw;
    }
    cleanup();
    return info;
}

}  // namespace boxanim
