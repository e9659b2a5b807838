#include "synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include <ATen/CPUGeneratorImpl.h>

#include "config.h"

namespace boxanim::model {

namespace F = torch::nn::functional;

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Rng {
    std::mt19937_64 eng;
    explicit Rng(std::uint64_t seed) : eng(seed) {}
    double uni(double a = 0.0, double b = 1.0) { return std::uniform_real_distribution<double>(a, b)(eng); }
    int integer(int a, int b) { return std::uniform_int_distribution<int>(a, b)(eng); }  // inclusive
    bool chance(double p) { return uni() < p; }
};

using Box4 = std::array<double, 4>;

double ease(int kind, double t) {
    switch (kind) {
        case 1: return t * t;
        case 2: return 1.0 - (1.0 - t) * (1.0 - t);
        case 3: return t * t * (3.0 - 2.0 * t);
        default: return t;
    }
}

// Palette-mapped value field in [0, 1] -> RGB [3, H, W] on CPU.
torch::Tensor makeTexture(Rng& rng, at::Generator& gen, int H, int W) {
    auto opts = torch::TensorOptions().dtype(torch::kFloat32);
    auto noise = [&](int octaves, int base) {
        torch::Tensor acc = torch::zeros({1, 1, H, W}, opts);
        double amp = 1.0, total = 0.0;
        for (int o = 0; o < octaves; ++o) {
            const int g = base << o;
            auto grid = torch::randn({1, 1, g, g}, gen, opts);
            acc += amp * F::interpolate(grid, F::InterpolateFuncOptions()
                                                  .size(std::vector<int64_t>{H, W})
                                                  .mode(torch::kBilinear)
                                                  .align_corners(false));
            total += amp;
            amp *= 0.55;
        }
        acc = acc / total;
        auto lo = acc.min(), hi = acc.max();
        return ((acc - lo) / (hi - lo + 1e-6)).view({H, W});
    };
    auto ys = (torch::arange(H, opts) + 0.5) / H;
    auto xs = (torch::arange(W, opts) + 0.5) / W;
    auto Y = ys.view({H, 1}).expand({H, W});
    auto X = xs.view({1, W}).expand({H, W});
    torch::Tensor v;
    const int type = rng.integer(0, 3);
    if (type == 0) {
        v = noise(4, rng.integer(2, 4));
    } else if (type == 1) {
        const double th = rng.uni(0, kPi), f = rng.uni(2.0, 9.0), ph = rng.uni(0, 2 * kPi);
        v = 0.5 + 0.5 * torch::sin(2 * kPi * f * (X * std::cos(th) + Y * std::sin(th)) + ph);
        v = 0.7 * v + 0.3 * noise(3, 3);
    } else if (type == 2) {
        const double fx = rng.uni(2.0, 7.0), fy = rng.uni(2.0, 7.0);
        v = torch::sigmoid(6.0 * torch::sin(2 * kPi * fx * X) * torch::sin(2 * kPi * fy * Y));
        v = 0.75 * v + 0.25 * noise(3, 3);
    } else {
        // smooth blobs
        v = noise(2, 2);
        v = torch::sigmoid(10.0 * (v - 0.5));
    }
    auto pal = torch::rand({3, 3}, gen, opts);  // 3 colours
    if (rng.chance(0.3)) pal = pal * 0.5 + 0.5 * pal.mean(0, true);  // muted palette
    auto a = torch::clamp(2.0 * v, 0.0, 1.0).unsqueeze(0);
    auto b = torch::clamp(2.0 * v - 1.0, 0.0, 1.0).unsqueeze(0);
    auto c0 = pal[0].view({3, 1, 1}), c1 = pal[1].view({3, 1, 1}), c2 = pal[2].view({3, 1, 1});
    auto rgb = torch::where(v.unsqueeze(0) < 0.5, c0 + (c1 - c0) * a, c1 + (c2 - c1) * b);
    rgb = rgb + 0.03 * torch::randn({3, H, W}, gen, opts);
    return torch::clamp(rgb, 0.0, 1.0);
}

torch::Tensor boxesTensor(const std::vector<Box4>& v) {
    auto t = torch::empty({static_cast<int64_t>(v.size()), 4}, torch::kFloat32);
    auto a = t.accessor<float, 2>();
    for (std::size_t i = 0; i < v.size(); ++i)
        for (int j = 0; j < 4; ++j) a[static_cast<int64_t>(i)][j] = static_cast<float>(v[i][j]);
    return t;
}

// Pixel-centre coordinates, normalised: X, Y [H, W].
std::pair<torch::Tensor, torch::Tensor> pixelGrid(int H, int W, torch::Device device) {
    auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    auto ys = (torch::arange(H, opts) + 0.5) / H;
    auto xs = (torch::arange(W, opts) + 0.5) / W;
    return {xs.view({1, W}).expand({H, W}), ys.view({H, 1}).expand({H, W})};
}

torch::Tensor sampleAt(const torch::Tensor& img, const torch::Tensor& sx, const torch::Tensor& sy,
                       double lo = 0.0, double span = 1.0, bool reflect = false) {
    // img [N, C, Hs, Ws] covering [lo, lo + span]^2; sx, sy [N, H, W] normalised
    auto grid = torch::stack({2.0 * (sx - lo) / span - 1.0, 2.0 * (sy - lo) / span - 1.0}, -1);
    auto opts = F::GridSampleFuncOptions().mode(torch::kBilinear).align_corners(false);
    if (reflect) opts.padding_mode(torch::kReflection);
    else opts.padding_mode(torch::kZeros);
    return F::grid_sample(img, grid, opts);
}

}  // namespace

// ---------------------------------------------------------------- conditioning

torch::Tensor referenceBoxes(const torch::Tensor& boxes, const torch::Tensor& kinds) {
    auto b = boxes.to(torch::kCPU, torch::kFloat32).contiguous().clone();
    auto k = kinds.to(torch::kCPU, torch::kLong).contiguous();
    auto ba = b.accessor<float, 4>();
    auto ka = k.accessor<int64_t, 3>();
    const auto B = b.size(0), T = b.size(1), M = b.size(2);
    for (int64_t i = 0; i < B; ++i)
        for (int64_t m = 0; m < M; ++m) {
            int64_t prev = -1;
            for (int64_t t = 0; t < T; ++t) {
                if (ka[i][t][m] != 0) { prev = t; continue; }
                int64_t next = -1;
                for (int64_t u = t + 1; u < T; ++u)
                    if (ka[i][u][m] != 0) { next = u; break; }
                for (int j = 0; j < 4; ++j) {
                    if (prev < 0 && next < 0) ba[i][t][m][j] = 0.f;
                    else if (prev < 0) ba[i][t][m][j] = ba[i][next][m][j];
                    else if (next < 0) ba[i][t][m][j] = ba[i][prev][m][j];
                    else {
                        const float a = static_cast<float>(t - prev) / static_cast<float>(next - prev);
                        ba[i][t][m][j] = (1.f - a) * ba[i][prev][m][j] + a * ba[i][next][m][j];
                    }
                }
            }
        }
    return b.to(boxes.device());
}

torch::Tensor warpMattes(const torch::Tensor& mattes0, const torch::Tensor& refBoxes) {
    const auto B = mattes0.size(0), M = mattes0.size(1), H = mattes0.size(2), W = mattes0.size(3);
    const auto T = refBoxes.size(1);
    auto [X, Y] = pixelGrid(static_cast<int>(H), static_cast<int>(W), mattes0.device());
    auto r = refBoxes.to(mattes0.device(), torch::kFloat32);                 // [B, T, M, 4]
    auto r0 = r.select(1, 0).unsqueeze(1).expand({B, T, M, 4});              // [B, T, M, 4]
    auto e = [](const torch::Tensor& t, int j) { return t.select(-1, j).unsqueeze(-1).unsqueeze(-1); };
    auto w0 = e(r0, 2) - e(r0, 0), h0 = e(r0, 3) - e(r0, 1);
    auto wt = e(r, 2) - e(r, 0), ht = e(r, 3) - e(r, 1);
    auto valid = (w0 > 1e-6) & (h0 > 1e-6) & (wt > 1e-6) & (ht > 1e-6);      // [B, T, M, 1, 1]
    auto sx = e(r0, 0) + (X - e(r, 0)) * w0 / wt.clamp_min(1e-6);            // [B, T, M, H, W]
    auto sy = e(r0, 1) + (Y - e(r, 1)) * h0 / ht.clamp_min(1e-6);
    auto src = mattes0.unsqueeze(1).expand({B, T, M, H, W}).reshape({B * T * M, 1, H, W});
    auto out = sampleAt(src, sx.reshape({B * T * M, H, W}), sy.reshape({B * T * M, H, W}));
    return out.view({B, T, M, H, W}) * valid.to(torch::kFloat32);
}

torch::Tensor boxRaster(const torch::Tensor& boxes, const torch::Tensor& kinds, int height, int width) {
    auto [X, Y] = pixelGrid(height, width, boxes.device());
    auto b = boxes.to(torch::kFloat32);
    auto e = [](const torch::Tensor& t, int j) { return t.select(-1, j).unsqueeze(-1).unsqueeze(-1); };
    auto inside = (X >= e(b, 0)) & (X < e(b, 2)) & (Y >= e(b, 1)) & (Y < e(b, 3));  // [B, T, M, H, W]
    auto k = kinds.to(b.device(), torch::kLong).unsqueeze(-1).unsqueeze(-1);
    auto value = torch::where(k == 2, torch::ones_like(k, b.options()),
                              torch::where(k == 1, torch::full_like(k, 0.5, b.options()), torch::zeros_like(k, b.options())));
    return inside.to(torch::kFloat32) * value;
}

torch::Tensor buildCond(const torch::Tensor& rgb0, const torch::Tensor& mattes0, const torch::Tensor& warped,
                        const torch::Tensor& raster) {
    const auto T = warped.size(1);
    auto rgb = rgb0.unsqueeze(1).expand({-1, T, -1, -1, -1});
    auto m0 = mattes0.unsqueeze(1).expand({-1, T, -1, -1, -1});
    return torch::cat({rgb, m0, warped, raster}, 2).contiguous();
}

// ---------------------------------------------------------------- clips

MotionDeformation motionDeformation(const std::vector<std::array<double, 4>>& boxes, int width, int height) {
    const int T = static_cast<int>(boxes.size());
    MotionDeformation d;
    d.lean.assign(T, 0.0);
    d.stretch.assign(T, 0.0);
    d.dirX.assign(T, 1.0);
    d.dirY.assign(T, 0.0);
    d.turn.assign(T, 0.0);
    if (T < 2) return d;
    const double dt = 1.0 / (T - 1);  // clip time per frame
    const auto& b0 = boxes[0];
    // one unit of motion: the frame-0 box's geometric mean side, in pixels
    const double unit = std::max(1e-6, std::sqrt((b0[2] - b0[0]) * width * (b0[3] - b0[1]) * height));
    std::vector<double> cx(T), cy(T);
    for (int t = 0; t < T; ++t) {
        cx[t] = 0.5 * (boxes[t][0] + boxes[t][2]) * width / unit;
        cy[t] = 0.5 * (boxes[t][1] + boxes[t][3]) * height / unit;
    }
    auto velocity = [&](const std::vector<double>& c, int t) {
        const int a = std::max(0, t - 1), b = std::min(T - 1, t + 1);
        return (c[b] - c[a]) / ((b - a) * dt);
    };
    std::vector<double> vx(T), vy(T);
    for (int t = 0; t < T; ++t) vx[t] = velocity(cx, t), vy[t] = velocity(cy, t);
    const double follow = 1.0 - std::exp(-dt / kDeformLag);
    double heading0 = 0;
    bool headingSet = false;
    for (int t = 1; t < T; ++t) {
        const double ax = velocity(vx, t);
        const double speed = std::hypot(vx[t], vy[t]);
        const double leanTarget = std::clamp(0.012 * ax, -kMaxLean, kMaxLean);
        const double stretchTarget = std::min(kMaxStretch, 0.04 * speed);
        double turnTarget = 0;
        if (speed > 0.05) {
            d.dirX[t] = vx[t] / speed;
            d.dirY[t] = vy[t] / speed;
            const double heading = std::atan2(vy[t], vx[t]);
            if (!headingSet) heading0 = heading, headingSet = true;
            const double change = std::remainder(heading - heading0, 2 * kPi);
            turnTarget = std::clamp(0.5 * change * std::min(1.0, speed / 0.5), -kMaxTurn, kMaxTurn);
        } else {
            d.dirX[t] = d.dirX[t - 1];
            d.dirY[t] = d.dirY[t - 1];
        }
        d.lean[t] = d.lean[t - 1] + follow * (leanTarget - d.lean[t - 1]);
        d.stretch[t] = d.stretch[t - 1] + follow * (stretchTarget - d.stretch[t - 1]);
        d.turn[t] = d.turn[t - 1] + follow * (turnTarget - d.turn[t - 1]);
    }
    return d;
}

SynthBatch generateBatch(int batch, std::uint64_t seed, const SynthOptions& o, torch::Device device) {
    const int T = o.frames, H = o.height, W = o.width, M = kMaxObjects;
    auto fopts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    auto [X, Y] = pixelGrid(H, W, device);
    const double pSoft = 0.1 + 0.6 * std::clamp(o.progress, 0.0, 1.0);
    const double pDrop = 0.05 + 0.15 * std::clamp(o.progress, 0.0, 1.0);

    std::vector<torch::Tensor> targets, rgb0s, mattes0s, boxesAll, kindsAll, refsAll, trueAll, framesAll;
    for (int bi = 0; bi < batch; ++bi) {
        Rng rng(seed * 1000003ULL + static_cast<std::uint64_t>(bi) * 7919ULL + 17ULL);
        auto gen = at::detail::createCPUGenerator(seed * 2654435761ULL + static_cast<std::uint64_t>(bi));

        // background on a canvas covering [-0.25, 1.25]^2 (room for the camera)
        const int bgH = static_cast<int>(std::lround(H * 1.5)), bgW = static_cast<int>(std::lround(W * 1.5));
        auto bg = makeTexture(rng, gen, bgH, bgW).to(device).unsqueeze(0);  // [1, 3, bgH, bgW]
        double zEnd = 1.0, panX = 0.0, panY = 0.0;
        int camEase = 0;
        if (rng.chance(o.cameraProb)) {
            zEnd = std::exp(rng.uni(-0.15, 0.15));
            panX = rng.uni(-0.08, 0.08);
            panY = rng.uni(-0.06, 0.06);
            camEase = rng.integer(0, 3);
        }
        std::vector<double> zt(T), pxt(T), pyt(T);
        for (int t = 0; t < T; ++t) {
            const double a = ease(camEase, T > 1 ? static_cast<double>(t) / (T - 1) : 0.0);
            zt[t] = std::exp(a * std::log(zEnd));
            pxt[t] = a * panX;
            pyt[t] = a * panY;
        }
        auto zT = torch::tensor(std::vector<float>(zt.begin(), zt.end())).to(device).view({T, 1, 1});
        auto pxT = torch::tensor(std::vector<float>(pxt.begin(), pxt.end())).to(device).view({T, 1, 1});
        auto pyT = torch::tensor(std::vector<float>(pyt.begin(), pyt.end())).to(device).view({T, 1, 1});
        auto bgSx = (X - 0.5 - pxT) / zT + 0.5;  // [T, H, W]
        auto bgSy = (Y - 0.5 - pyT) / zT + 0.5;
        auto bgLayer = sampleAt(bg.expand({T, 3, bgH, bgW}), bgSx, bgSy, -0.25, 1.5, true);  // [T, 3, H, W]
        auto bgFlow = torch::stack({bgSx - X, bgSy - Y}, 1);                                 // [T, 2, H, W]

        // objects, slot 0 in front
        const double r = rng.uni();
        const int n = r < 0.3 ? 1 : r < 0.6 ? 2 : r < 0.85 ? 3 : 4;
        std::vector<torch::Tensor> layerRgb(M), layerMatte(M), layerFlow(M);
        std::vector<Box4> condBoxes(static_cast<std::size_t>(T * M), Box4{0, 0, 0, 0});
        std::vector<Box4> trueBoxes(static_cast<std::size_t>(T * M), Box4{0, 0, 0, 0});
        std::vector<int64_t> kinds(static_cast<std::size_t>(T * M), 0);
        for (int k = 0; k < n; ++k) {
            // frame-0 box (normalised), kept inside the image
            const double w0 = rng.uni(0.15, 0.45), h0 = rng.uni(0.15, 0.45);
            const double x0 = rng.uni(0.02, 0.98 - w0), y0 = rng.uni(0.02, 0.98 - h0);
            // keyframes: centre and log-size, eased in between
            const bool still = rng.chance(0.1);
            const int nKeys = T >= 8 && rng.chance(0.4) ? 3 : 2;
            std::vector<int> kf = {0};
            if (nKeys == 3) kf.push_back(rng.integer(2, T - 3));
            kf.push_back(T - 1);
            std::vector<std::array<double, 4>> kv;  // cx, cy, log w, log h
            kv.push_back({x0 + w0 / 2, y0 + h0 / 2, std::log(w0), std::log(h0)});
            for (std::size_t i = 1; i < kf.size(); ++i) {
                auto p = kv.back();
                if (!still) {
                    p[0] = std::clamp(p[0] + rng.uni(-0.35, 0.35), 0.1, 0.9);
                    p[1] = std::clamp(p[1] + rng.uni(-0.3, 0.3), 0.1, 0.9);
                    const double s = rng.uni(-0.3, 0.3);
                    p[2] += s + rng.uni(-0.1, 0.1);
                    p[3] += s + rng.uni(-0.1, 0.1);
                }
                kv.push_back(p);
            }
            std::vector<int> easing(kf.size());
            for (auto& e : easing) e = rng.integer(0, 3);
            std::vector<Box4> bt(T);
            for (int t = 0; t < T; ++t) {
                std::size_t s = 0;
                while (s + 2 < kf.size() && t > kf[s + 1]) ++s;
                const double a = ease(easing[s + 1], static_cast<double>(t - kf[s]) / (kf[s + 1] - kf[s]));
                std::array<double, 4> p;
                for (int j = 0; j < 4; ++j) p[j] = (1 - a) * kv[s][j] + a * kv[s + 1][j];
                const double w = std::exp(p[2]), h = std::exp(p[3]);
                bt[t] = {p[0] - w / 2, p[1] - h / 2, p[0] + w / 2, p[1] + h / 2};
            }
            bt[0] = {x0, y0, x0 + w0, y0 + h0};
            // conditioning boxes: frame 0 hard; later frames hard / soft (enlarged) / none (dropped)
            std::vector<Box4> ct(T);
            std::vector<int64_t> kt(T);
            const double softMax = rng.uni(0.08, 0.35);
            for (int t = 0; t < T; ++t) {
                int kind = 2;
                if (t > 0) {
                    const double u = rng.uni();
                    kind = u < pDrop ? 0 : u < pDrop + pSoft ? 1 : 2;
                }
                kt[t] = kind;
                const auto& b = bt[t];
                if (kind == 2) ct[t] = b;
                else if (kind == 1) {
                    const double w = b[2] - b[0], h = b[3] - b[1];
                    ct[t] = {b[0] - rng.uni(0, softMax) * w, b[1] - rng.uni(0, softMax) * h,
                             b[2] + rng.uni(0, softMax) * w, b[3] + rng.uni(0, softMax) * h};
                } else {
                    ct[t] = {0, 0, 0, 0};
                }
                condBoxes[static_cast<std::size_t>(t * M + k)] = ct[t];
                trueBoxes[static_cast<std::size_t>(t * M + k)] = b;
                kinds[static_cast<std::size_t>(t * M + k)] = kind;
            }

            // frame-0 object canvas: texture + soft-edged shape in box coordinates
            auto tex = makeTexture(rng, gen, H, W).to(device);  // [3, H, W]
            if (rng.chance(0.5)) {
                // a contrasting rim makes shapes readable
                tex = 0.8 * tex + 0.2 * torch::rand({3, 1, 1}, gen).to(device);
            }
            auto ux = (X - x0) / w0 * 2.0 - 1.0, uy = (Y - y0) / h0 * 2.0 - 1.0;  // [-1, 1] in the box
            torch::Tensor dist;
            if (rng.chance(0.3)) {
                const int points = rng.integer(4, 7);
                const double depth = rng.uni(0.15, 0.4), phase = rng.uni(0, 2 * kPi);
                auto rad = torch::sqrt(ux * ux + uy * uy);
                auto th = torch::atan2(uy, ux);
                auto rmax = 1.0 - depth * (0.5 + 0.5 * torch::cos(points * th + phase));
                dist = rad / rmax;
            } else {
                const double e = rng.uni(1.6, 5.0);
                dist = torch::pow(torch::pow(ux.abs(), e) + torch::pow(uy.abs(), e), 1.0 / e);
            }
            const double edgePx = rng.uni(0.6, 1.6);
            const double edge = edgePx * 2.0 / (std::min(w0 * W, h0 * H));
            auto matte = torch::sigmoid((1.0 - dist) / edge);  // [H, W]
            auto canvas = torch::cat({tex, matte.unsqueeze(0)}, 0).unsqueeze(0);  // [1, 4, H, W]

            // The object's deformation follows from its box motion alone
            // (motionDeformation), so a model can learn it from the boxes.
            const MotionDeformation md = motionDeformation(bt, W, H);
            auto col = [&](const std::vector<double>& v) {
                return torch::tensor(std::vector<float>(v.begin(), v.end())).to(device).view({T, 1, 1});
            };

            auto B = boxesTensor(bt).to(device), R = boxesTensor(ct).to(device);
            // kind-none frames take interpolated reference boxes
            {
                auto kk = torch::tensor(kt).view({1, T, 1});
                R = referenceBoxes(R.view({1, T, 1, 4}), kk).view({T, 4});
            }
            auto e = [](const torch::Tensor& t, int j) { return t.select(1, j).view({-1, 1, 1}); };
            auto bw = e(B, 2) - e(B, 0), bh = e(B, 3) - e(B, 1);
            auto uX = (X - e(B, 0)) / bw, uY = (Y - e(B, 1)) / bh;  // [T, H, W], box coordinates of the true map
            // Backward map about the box centre, in output pixels: undo the
            // turn, then the stretch along the motion, then the lean.
            auto dx = (uX - 0.5) * bw * W, dy = (uY - 0.5) * bh * H;
            auto cosT = torch::cos(col(md.turn)), sinT = torch::sin(col(md.turn));
            auto qx = cosT * dx + sinT * dy, qy = -sinT * dx + cosT * dy;
            auto nx = col(md.dirX), ny = col(md.dirY), st = col(md.stretch);
            auto along = qx * nx + qy * ny;
            // along the motion: 1 / (1 + s) of the source; across it: (1 + s)
            auto ax0 = along / (1.0 + st), px0 = (qx - along * nx) * (1.0 + st), py0 = (qy - along * ny) * (1.0 + st);
            auto srcX = (ax0 * nx + px0) / (bw * W) + 0.5 + col(md.lean) * (0.5 - uY);
            auto srcY = (ax0 * ny + py0) / (bh * H) + 0.5;
            auto sx = x0 + srcX * w0, sy = y0 + srcY * h0;  // frame-0 source
            auto layer = sampleAt(canvas.expand({T, 4, H, W}), sx, sy);  // [T, 4, H, W]
            auto rw = (e(R, 2) - e(R, 0)).clamp_min(1e-6), rh = (e(R, 3) - e(R, 1)).clamp_min(1e-6);
            auto ax = x0 + (X - e(R, 0)) * w0 / rw, ay = y0 + (Y - e(R, 1)) * h0 / rh;  // A_R^-1(p)
            layerRgb[k] = layer.narrow(1, 0, 3);
            layerMatte[k] = layer.select(1, 3);                                  // [T, H, W]
            layerFlow[k] = torch::stack({(sx - ax) / w0, (sy - ay) / h0}, 1);    // [T, 2, H, W]
        }

        // ground truth: logits and flow
        auto logits = torch::full({T, kLayers, H, W}, -1.0, fopts);
        auto flow = bgFlow.clone();
        auto frontCover = torch::zeros({T, H, W}, fopts.dtype(torch::kBool));  // matte > 0.5 of objects in front
        auto anyVisible = torch::zeros({T, H, W}, fopts.dtype(torch::kBool));
        auto owner = torch::full({T, H, W}, -1, fopts.dtype(torch::kLong));
        for (int k = 0; k < n; ++k) {
            auto dil = F::max_pool2d(layerMatte[k].unsqueeze(1), F::MaxPool2dFuncOptions(3).stride(1).padding(1)).squeeze(1);
            auto vis = (dil > 0.5) & ~frontCover;
            logits.select(1, k + 1).masked_fill_(vis, 1.0);
            auto newOwner = vis & (owner < 0);
            owner.masked_fill_(newOwner, k);
            flow = torch::where(newOwner.unsqueeze(1), layerFlow[k], flow);
            anyVisible = anyVisible | vis;
            frontCover = frontCover | (layerMatte[k] > 0.5);
        }
        logits.select(1, 0).masked_fill_(~anyVisible, 1.0);
        targets.push_back(torch::cat({logits, flow}, 1));

        // frame-0 image and visible frame-0 mattes
        auto composite = [&](int t) {
            auto c = bgLayer[t];
            for (int k = n - 1; k >= 0; --k) {
                auto m = layerMatte[k][t].unsqueeze(0);
                c = c * (1 - m) + layerRgb[k][t] * m;
            }
            return c;
        };
        rgb0s.push_back(composite(0));
        auto m0 = torch::zeros({M, H, W}, fopts);
        auto remaining = torch::ones({H, W}, fopts);
        for (int k = 0; k < n; ++k) {
            auto m = layerMatte[k][0];
            m0[k] = m * remaining;
            remaining = remaining * (1 - m);
        }
        mattes0s.push_back(m0);
        if (o.renderFrames) {
            std::vector<torch::Tensor> fr;
            for (int t = 0; t < T; ++t) fr.push_back(composite(t));
            framesAll.push_back(torch::stack(fr));
        }
        boxesAll.push_back(boxesTensor(condBoxes).view({T, M, 4}));
        trueAll.push_back(boxesTensor(trueBoxes).view({T, M, 4}));
        kindsAll.push_back(torch::tensor(kinds).view({T, M}));
    }

    SynthBatch out;
    out.target = torch::stack(targets);
    out.boxes = torch::stack(boxesAll).to(device);
    out.kinds = torch::stack(kindsAll).to(device);
    out.trueBoxes = torch::stack(trueAll).to(device);
    out.refBoxes = referenceBoxes(out.boxes, out.kinds);
    auto rgb0 = torch::stack(rgb0s), mattes0 = torch::stack(mattes0s);
    auto warped = warpMattes(mattes0, out.refBoxes);
    auto raster = boxRaster(out.boxes, out.kinds, H, W);
    out.cond = buildCond(rgb0, mattes0, warped, raster);
    if (o.renderFrames) out.frames = torch::stack(framesAll);
    return out;
}

// ---------------------------------------------------------------- inspection

namespace {
const float kLayerColours[kLayers][3] = {
    {0.15f, 0.15f, 0.15f}, {0.90f, 0.10f, 0.29f}, {0.24f, 0.71f, 0.29f}, {0.26f, 0.39f, 0.85f}, {1.0f, 0.88f, 0.10f}};

torch::Tensor layerColours(const torch::Tensor& logits) {  // [T, 5, H, W] -> [T, 3, H, W]
    auto pal = torch::from_blob(const_cast<float*>(&kLayerColours[0][0]), {kLayers, 3}).clone().to(logits.device());
    auto vis = ((logits + 1) / 2).clamp(0, 1);
    // front-most visible object wins, as the renderer composites
    auto out = pal[0].view({1, 3, 1, 1}) * vis.narrow(1, 0, 1);
    for (int k = kLayers - 1; k >= 1; --k) {
        auto v = vis.narrow(1, k, 1);
        out = out * (1 - v) + pal[k].view({1, 3, 1, 1}) * v;
    }
    return out;
}

torch::Tensor flowColours(const torch::Tensor& flow, double scale) {  // [T, 2, H, W] -> [T, 3, H, W]
    auto fx = (flow.select(1, 0) * scale).clamp(-1, 1), fy = (flow.select(1, 1) * scale).clamp(-1, 1);
    return torch::stack({0.5 + 0.5 * fx, 0.5 + 0.5 * fy, 0.5 - 0.25 * (fx + fy)}, 1);
}

void drawBox(torch::Tensor& img, const float* b, const float colour[3]) {  // img [3, H, W] CPU
    const auto H = img.size(1), W = img.size(2);
    auto a = img.accessor<float, 3>();
    const int x1 = static_cast<int>(std::floor(b[0] * W)), x2 = static_cast<int>(std::ceil(b[2] * W)) - 1;
    const int y1 = static_cast<int>(std::floor(b[1] * H)), y2 = static_cast<int>(std::ceil(b[3] * H)) - 1;
    auto put = [&](int x, int y) {
        if (x < 0 || y < 0 || x >= W || y >= H) return;
        for (int c = 0; c < 3; ++c) a[c][y][x] = colour[c];
    };
    for (int x = x1; x <= x2; ++x) { put(x, y1); put(x, y2); }
    for (int y = y1; y <= y2; ++y) { put(x1, y); put(x2, y); }
}
}  // namespace

torch::Tensor clipStrip(const SynthBatch& batch, int b, const torch::Tensor& prediction) {
    auto target = batch.target[b].to(torch::kCPU);  // [T, 7, H, W]
    const auto T = target.size(0), H = target.size(2), W = target.size(3);
    auto cond = batch.cond[b].to(torch::kCPU);
    std::vector<torch::Tensor> rows;
    torch::Tensor rgb = batch.frames.defined() ? batch.frames[b].to(torch::kCPU).clone()
                                               : cond.narrow(1, 0, 3).clone();
    auto boxes = batch.boxes[b].to(torch::kCPU).contiguous();
    auto kinds = batch.kinds[b].to(torch::kCPU).contiguous();
    const float hard[3] = {0.1f, 1.0f, 0.1f}, soft[3] = {1.0f, 0.9f, 0.1f};
    for (int64_t t = 0; t < T; ++t) {
        auto f = rgb[t];
        for (int64_t m = 0; m < kinds.size(1); ++m) {
            const auto k = kinds[t][m].item<int64_t>();
            if (k == 0) continue;
            auto bb = boxes[t][m].contiguous();
            drawBox(f, bb.data_ptr<float>(), k == 2 ? hard : soft);
        }
    }
    rows.push_back(rgb);
    rows.push_back(layerColours(target.narrow(1, 0, kLayers)));
    rows.push_back(flowColours(target.narrow(1, kLayers, 2), 4.0));
    auto warped = cond.narrow(1, 7, 4);  // warped mattes as layer colours
    rows.push_back(layerColours(torch::cat({-torch::ones({T, 1, H, W}), warped * 2 - 1}, 1)));
    if (prediction.defined()) {
        auto p = prediction.to(torch::kCPU);
        rows.push_back(layerColours(p.narrow(1, 0, kLayers).clamp(-1, 1)));
        rows.push_back(flowColours(p.narrow(1, kLayers, 2), 4.0));
    }
    // [rows, T, 3, H, W] -> [rows*H, T*W, 3]
    auto all = torch::stack(rows);  // [R, T, 3, H, W]
    const auto R = all.size(0);
    auto img = all.permute({0, 3, 1, 4, 2}).reshape({R * H, T * W, 3});
    return (img.clamp(0, 1) * 255.0).round().to(torch::kUInt8).contiguous();
}

}  // namespace boxanim::model
