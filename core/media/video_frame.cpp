#include "core/media/video_frame.h"

#include <cstring>

#include <opencv2/core.hpp>

#include "core/media/media_log.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

namespace boxanim {

namespace {

std::string avError(int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(err, buf, sizeof buf);
    return buf;
}

// One opened input: container, its best video stream and (when asked) a decoder.
class VideoInput {
public:
    explicit VideoInput(const std::string& path) : path_(path) {
        requireRegularFile(path, "a video file");
        applyAvLogLevel();
        int err = avformat_open_input(&ic_, path.c_str(), nullptr, nullptr);
        if (err < 0) throw MediaError(path, "cannot open as a video: " + avError(err));
        if ((err = avformat_find_stream_info(ic_, nullptr)) < 0)
            throw MediaError(path, "cannot read the video's stream info: " + avError(err));
        index_ = av_find_best_stream(ic_, AVMEDIA_TYPE_VIDEO, -1, -1, &codec_, 0);
        if (index_ < 0) throw MediaError(path, "holds no video stream");
        const AVCodecParameters* par = ic_->streams[index_]->codecpar;
        width_ = par->width;
        height_ = par->height;
        if (width_ <= 0 || height_ <= 0) throw MediaError(path, "video stream has no frame size");
        if (static_cast<std::int64_t>(width_) * height_ > kMaxImagePixels)
            throw MediaError(path, "video frames are " + std::to_string(width_) + "x" +
                                       std::to_string(height_) + ", over the " +
                                       std::to_string(kMaxImagePixels / 1000000) +
                                       " megapixel limit");
        if (!codec_) throw MediaError(path, std::string("no decoder for the video's codec (") +
                                                avcodec_get_name(par->codec_id) + ")");
    }
    ~VideoInput() {
        av_frame_free(&frame_);
        av_packet_free(&pkt_);
        avcodec_free_context(&dc_);
        if (sws_) sws_freeContext(sws_);
        avformat_close_input(&ic_);
    }
    VideoInput(const VideoInput&) = delete;
    VideoInput& operator=(const VideoInput&) = delete;

    int width() const { return width_; }
    int height() const { return height_; }
    std::string format() const { return ic_->iformat ? ic_->iformat->name : "video"; }

    // Decodes frames up to `index` and returns that one as BGR.
    cv::Mat frame(int index) {
        dc_ = avcodec_alloc_context3(codec_);
        pkt_ = av_packet_alloc();
        frame_ = av_frame_alloc();
        if (!dc_ || !pkt_ || !frame_) throw MediaError(path_, "out of memory");
        int err = avcodec_parameters_to_context(dc_, ic_->streams[index_]->codecpar);
        if (err < 0) throw MediaError(path_, "cannot set up the decoder: " + avError(err));
        dc_->thread_count = 1;  // one frame: threads only add start-up cost
        if ((err = avcodec_open2(dc_, codec_, nullptr)) < 0)
            throw MediaError(path_, "cannot open the decoder: " + avError(err));
        int seen = 0;
        bool flushing = false;
        for (;;) {
            err = avcodec_receive_frame(dc_, frame_);
            if (err >= 0) {
                if (seen++ == index) return toBgr();
                av_frame_unref(frame_);
                continue;
            }
            if (err == AVERROR_EOF) break;
            if (err != AVERROR(EAGAIN)) throw MediaError(path_, "cannot decode the video: " + avError(err));
            if (flushing) break;
            // Feed the next packet of our stream (or start flushing at the end).
            for (;;) {
                err = av_read_frame(ic_, pkt_);
                if (err < 0) {
                    avcodec_send_packet(dc_, nullptr);
                    flushing = true;
                    break;
                }
                const bool ours = pkt_->stream_index == index_;
                if (ours) err = avcodec_send_packet(dc_, pkt_);
                av_packet_unref(pkt_);
                if (ours) {
                    if (err < 0 && err != AVERROR(EAGAIN))
                        throw MediaError(path_, "cannot decode the video: " + avError(err));
                    break;
                }
            }
        }
        throw MediaError(path_, index == 0 ? "video has no readable frame"
                                           : "video has no frame " + std::to_string(index));
    }

private:
    cv::Mat toBgr() {
        const int w = frame_->width, h = frame_->height;
        if (w <= 0 || h <= 0 || static_cast<std::int64_t>(w) * h > kMaxImagePixels)
            throw MediaError(path_, "decoded frame has an unusable size");
        // swscale's SIMD converters work in blocks and get the last columns
        // of an unaligned width wrong (22 levels off measured at 162 px):
        // convert the decoder's coded (macroblock-aligned) area, whose
        // buffers are allocated that large, and crop.
        const int cw = dc_->coded_width >= w ? dc_->coded_width : w;
        const int ch = dc_->coded_height >= h ? dc_->coded_height : h;
        sws_ = sws_getCachedContext(sws_, cw, ch, static_cast<AVPixelFormat>(frame_->format), cw, ch,
                                    AV_PIX_FMT_BGR24, SWS_BICUBIC, nullptr, nullptr, nullptr);
        if (!sws_) throw MediaError(path_, "cannot convert the video's pixel format");
        cv::Mat full(ch, cw, CV_8UC3);
        uint8_t* dst[1] = {full.data};
        const int dstStride[1] = {static_cast<int>(full.step[0])};
        sws_scale(sws_, frame_->data, frame_->linesize, 0, ch, dst, dstStride);
        cv::Mat out = full(cv::Rect(0, 0, w, h)).clone();
        return out;
    }

    std::string path_;
    AVFormatContext* ic_ = nullptr;
    const AVCodec* codec_ = nullptr;
    AVCodecContext* dc_ = nullptr;
    AVPacket* pkt_ = nullptr;
    AVFrame* frame_ = nullptr;
    SwsContext* sws_ = nullptr;
    int index_ = -1, width_ = 0, height_ = 0;
};

}  // namespace

ReferenceInfo probeVideoReference(const std::string& path) {
    VideoInput in(path);
    return ReferenceInfo{true, in.format(), in.width(), in.height()};
}

cv::Mat loadVideoFrame(const std::string& path, int index) {
    VideoInput in(path);
    return in.frame(std::max(0, index));
}

}  // namespace boxanim
