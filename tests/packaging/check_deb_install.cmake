# cmake -P check_deb_install.cmake: builds the .deb with CPack, unpacks it into
# a scratch root (dpkg-deb -x: what dpkg would put on disk, without touching
# the system), and runs the installed files: boxanim-cli --version, a cutout
# render and a boxflow render of the installed example with the installed
# models; checks the man pages, AppStream metainfo, licence and the
# provenance files of the example image and the weights are there.
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR CPACK VERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_deb_install.cmake: -D${v}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/pkg" "${WORK_DIR}/root")
execute_process(
  COMMAND "${CPACK}" -G DEB --config "${BUILD_DIR}/CPackConfig.cmake" -B "${WORK_DIR}/pkg"
          -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cpack failed (${rc}):\n${out}\n${err}")
endif()
file(GLOB debs "${WORK_DIR}/pkg/*.deb")
list(LENGTH debs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one .deb, found ${n}: ${debs}")
endif()
execute_process(COMMAND dpkg-deb -x "${debs}" "${WORK_DIR}/root" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dpkg-deb -x failed: ${err}")
endif()
set(root "${WORK_DIR}/root")

foreach(f usr/share/man/man1/boxanim.1.gz usr/share/man/man1/boxanim-cli.1.gz
          usr/share/metainfo/io.github.boxanim.BoxAnim.metainfo.xml
          usr/share/doc/boxanim/copyright
          usr/share/boxanim/examples/README.md
          usr/share/boxanim/models/MODEL_CARD.md
          usr/share/boxanim/models/manifest.json)
  if(NOT EXISTS "${root}/${f}")
    message(FATAL_ERROR "the package lacks /${f}")
  endif()
endforeach()
# The man pages render without groff warnings.
foreach(page boxanim boxanim-cli)
  execute_process(COMMAND sh -c "zcat '${root}/usr/share/man/man1/${page}.1.gz' | groff -man -Tutf8 -ww -z"
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
    message(FATAL_ERROR "man page ${page}.1: ${err}")
  endif()
endforeach()

set(cli "${root}/usr/bin/boxanim-cli")
execute_process(COMMAND "${cli}" --version RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "boxanim-cli ${VERSION}\n")
  message(FATAL_ERROR "installed boxanim-cli --version: rc ${rc}, '${out}' ${err}")
endif()

# Renders from the installed files only (models found beside the binary:
# <prefix>/share/boxanim/models); the environment must not point elsewhere.
set(ENV{BOXANIM_MODELS_DIR} "")
unset(ENV{BOXANIM_MODELS_DIR})
set(example "${root}/usr/share/boxanim/examples/smarties-roll.boxanim")
foreach(engine cutout boxflow)
  set(out "${WORK_DIR}/roll-${engine}.gif")
  execute_process(
    COMMAND "${cli}" render "${example}" -o "${out}" --engine ${engine} --device cpu --frames 8
            --steps 1 --size 208x180
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${out}")
    message(FATAL_ERROR "installed render (${engine}) failed (${rc}):\n${o}\n${e}")
  endif()
  if(NOT e MATCHES "${engine} on cpu")
    message(FATAL_ERROR "installed render: expected the ${engine} engine on the cpu:\n${e}")
  endif()
  execute_process(COMMAND ffprobe -v error -count_frames -select_streams v:0
                          -show_entries stream=width,height,nb_read_frames -of csv=p=0 "${out}"
                  OUTPUT_VARIABLE probe)
  if(NOT probe MATCHES "^208,180,8")
    message(FATAL_ERROR "installed render (${engine}): ${out} is '${probe}', expected 208,180,8")
  endif()
endforeach()
message(STATUS "${debs} installs into a scratch root; boxanim-cli ${VERSION} renders with both engines")
