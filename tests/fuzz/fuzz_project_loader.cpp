// libFuzzer harness for the project loader (issue 14, "keep it proven").
// Any input either loads or is refused with a ProjectError; anything else
// (another exception, a crash, an ASan/UBSan report) is a bug. A project that
// loads must expand into tracks and survive a save/load round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/project/project_io.h"
#include "core/project/tracks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    boxanim::Project p;
    try {
        p = boxanim::projectFromJson(text, "fuzz.boxanim");
    } catch (const boxanim::ProjectError&) {
        return 0;  // refused with a message: fine
    }
    const boxanim::Tracks tracks = boxanim::expandTracks(p, {p.generation.variety});
    if (tracks.frames != p.timeline.frames) std::abort();
    const boxanim::Project again = boxanim::projectFromJson(boxanim::projectToJson(p), "again.boxanim");
    if (!(again == p)) std::abort();
    return 0;
}
