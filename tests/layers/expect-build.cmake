# tests/layers/expect-build.cmake: build one probe target and check the
# outcome (tests/layers/CMakeLists.txt).
#   cmake -DBUILD_DIR=... -DTARGET=... -DEXPECT=fail|pass [-DHEADER=x.h] -P expect-build.cmake
# EXPECT=fail passes only if the build fails BECAUSE HEADER is not found, so
# an unrelated error (a typo, a missing library) cannot make it pass.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(EXPECT STREQUAL "pass")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TARGET} must compile (allowed includes) but failed:\n${out}")
  endif()
elseif(EXPECT STREQUAL "fail")
  string(REPLACE "." "\\." header_re "${HEADER}")
  if(rc EQUAL 0)
    message(FATAL_ERROR "${TARGET} compiled, but it includes ${HEADER} from a layer it may not use")
  elseif(NOT out MATCHES "${header_re}: No such file|'${header_re}' file not found")
    message(FATAL_ERROR "${TARGET} failed, but not because ${HEADER} was not found:\n${out}")
  endif()
  message(STATUS "${TARGET}: ${HEADER} not found, as the layers require")
else()
  message(FATAL_ERROR "expect-build.cmake: EXPECT must be pass or fail, not '${EXPECT}'")
endif()
