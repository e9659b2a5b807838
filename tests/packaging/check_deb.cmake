# cmake -P check_deb.cmake: builds the .deb with CPack, then checks the package
# holds the executables, desktop entry, MIME type, icons, every file under
# models/ and resources/examples/, and no development files.
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR EXPECTED_BINS CPACK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_deb.cmake: -D${v}=... is required")
  endif()
endforeach()
string(REPLACE "," ";" EXPECTED_BINS "${EXPECTED_BINS}")

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
# gzip keeps the test fast; the release package uses CPack's default (xz).
execute_process(
  COMMAND "${CPACK}" -G DEB --config "${BUILD_DIR}/CPackConfig.cmake" -B "${WORK_DIR}"
          -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cpack failed (${rc}):\n${out}\n${err}")
endif()
file(GLOB debs "${WORK_DIR}/*.deb")
list(LENGTH debs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one .deb in ${WORK_DIR}, found ${n}: ${debs}")
endif()

execute_process(COMMAND dpkg-deb -c "${debs}" RESULT_VARIABLE rc OUTPUT_VARIABLE listing
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dpkg-deb -c failed: ${err}")
endif()
string(REGEX MATCHALL "\\./usr/[^\n]*" lines "${listing}")
set(paths "")
foreach(l IN LISTS lines)
  string(REGEX REPLACE " -> .*$" "" l "${l}")
  string(REGEX REPLACE "/$" "" l "${l}")
  string(SUBSTRING "${l}" 2 -1 l)  # drop "./"
  list(APPEND paths "${l}")
endforeach()

set(required
  usr/share/applications/boxanim.desktop
  usr/share/mime/packages/boxanim.xml
  usr/share/icons/hicolor/scalable/apps/boxanim.svg
  usr/share/icons/hicolor/scalable/mimetypes/application-x-boxanim.svg)
foreach(b IN LISTS EXPECTED_BINS)
  list(APPEND required usr/bin/${b})
endforeach()
foreach(pair "models;usr/share/boxanim/models" "resources/examples;usr/share/boxanim/examples")
  list(GET pair 0 src)
  list(GET pair 1 dst)
  file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}/${src}" "${SOURCE_DIR}/${src}/*")
  foreach(f IN LISTS files)
    if(NOT f MATCHES "(^|/)\\.git")
      list(APPEND required "${dst}/${f}")
    endif()
  endforeach()
endforeach()

set(missing "")
foreach(r IN LISTS required)
  list(FIND paths "${r}" i)
  if(i EQUAL -1)
    list(APPEND missing "${r}")
  endif()
endforeach()
set(unwanted "")
foreach(p IN LISTS paths)
  if(p MATCHES "^usr/include(/|$)" OR p MATCHES "\\.a$" OR p MATCHES "\\.o$")
    list(APPEND unwanted "${p}")
  endif()
endforeach()
if(missing OR unwanted)
  string(REPLACE ";" "\n  " missing "${missing}")
  string(REPLACE ";" "\n  " unwanted "${unwanted}")
  message(FATAL_ERROR "package ${debs}:\nmissing:\n  ${missing}\nunwanted:\n  ${unwanted}\n"
                      "contents:\n${listing}")
endif()

# Control fields: runtime dependencies found by dpkg-shlibdeps plus the Qt plugins.
execute_process(COMMAND dpkg-deb -f "${debs}" Package Depends OUTPUT_VARIABLE fields)
if(NOT fields MATCHES "Package: boxanim" OR NOT fields MATCHES "libqt6widgets6"
   OR NOT fields MATCHES "qt6-qpa-plugins")
  message(FATAL_ERROR "unexpected control fields:\n${fields}")
endif()

# The desktop entry opens projects; the MIME type claims *.boxanim.
file(READ "${SOURCE_DIR}/packaging/boxanim.desktop" desktop)
file(READ "${SOURCE_DIR}/packaging/boxanim-mime.xml" mime)
if(NOT desktop MATCHES "\nMimeType=application/x-boxanim;" OR NOT desktop MATCHES "\nExec=boxanim %f"
   OR NOT mime MATCHES "type=\"application/x-boxanim\"" OR NOT mime MATCHES "pattern=\"\\*\\.boxanim\"")
  message(FATAL_ERROR "desktop entry and MIME type disagree")
endif()
list(LENGTH paths count)
message(STATUS "${debs}: ${count} entries, all expected files present")
