// The one error type of core/media: which file, and what is wrong with it.
#pragma once

#include <stdexcept>
#include <string>

namespace boxanim {

// what() is the one-line form "file: message".
class MediaError : public std::runtime_error {
public:
    MediaError(std::string file, std::string message)
        : std::runtime_error(file + ": " + message), file_(std::move(file)),
          message_(std::move(message)) {}
    const std::string& file() const { return file_; }
    const std::string& message() const { return message_; }

private:
    std::string file_, message_;
};

}  // namespace boxanim
