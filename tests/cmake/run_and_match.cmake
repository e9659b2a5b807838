# Runs a command and passes only when it exits 0 AND its output (stdout and
# stderr together) matches every given regular expression. CTest's own
# PASS_REGULAR_EXPRESSION ignores the exit code, so a command that printed the
# expected rows and then failed would pass; this does not.
#
#   cmake -DMATCH1=regex [-DMATCH2=regex ...] -P run_and_match.cmake -- COMMAND [ARGS...]
set(cmd)
set(after_dashes FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 0 ${last})
  if(after_dashes)
    string(REPLACE ";" "\\;" arg "${CMAKE_ARGV${i}}")  # one argument, semicolons and all
    list(APPEND cmd "${arg}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(after_dashes TRUE)
  endif()
endforeach()
if(NOT cmd)
  message(FATAL_ERROR "run_and_match: no command after --")
endif()
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "run_and_match: the command exited with ${rc}")
endif()
foreach(n RANGE 1 9)
  if(DEFINED MATCH${n})
    string(REPLACE "\\n" "\n" re "${MATCH${n}}")  # a typed \n is a newline
    if(NOT out MATCHES "${re}")
      message(FATAL_ERROR "run_and_match: the output does not match: ${re}")
    endif()
  endif()
endforeach()
