// Reading, validating and writing .boxanim files (DESIGN §4).
#pragma once

#include <stdexcept>
#include <string>

#include "core/util/sha256.h"  // sha256File: the reference image checksum
#include "project.h"

namespace boxanim {

// Version 2: per-object matte strokes; boxes after frame 0 may leave the
// image. Version 1 files are migrated on load.
constexpr int kProjectFormatVersion = 2;

// A precise load/validation failure: which file, where in it (JSON pointer)
// and what was expected. what() gives the one-line form "file: pointer: message".
class ProjectError : public std::runtime_error {
public:
    ProjectError(std::string file, std::string pointer, std::string message);
    const std::string& file() const { return file_; }
    const std::string& pointer() const { return pointer_; }
    const std::string& message() const { return message_; }

private:
    std::string file_, pointer_, message_;
};

// Parses and validates. `fileName` is used in error messages only.
Project projectFromJson(const std::string& text, const std::string& fileName = "<memory>");
std::string projectToJson(const Project& project);

// Validates a project value; throws ProjectError naming the field.
void validateProject(const Project& project, const std::string& fileName = "<memory>");

// Loads and validates a file. Does not check the reference image exists.
Project loadProject(const std::string& path);

// Atomic save: writes a temporary file beside `path`, then renames it over.
// On failure throws std::runtime_error and leaves any existing file intact.
void saveProject(const Project& project, const std::string& path);

// Absolute path of the reference image of a project saved at projectPath.
std::string resolveReferencePath(const Project& project, const std::string& projectPath);

// Writes bytes atomically (temp file in the same folder + rename). Shared by
// every core writer that must not leave half-written files.
void writeFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace boxanim
