# SPDX-License-Identifier: BSD-3-Clause
# test_origin.cmake — included by test/unit/CMakeLists.txt right after unit.origin is added.
# The remote half of the test starts its own loopback S3 servers (test/s3/s3ctl.sh: one anonymous, one
# verifying SigV4, one slow or faulty for the parallel range reads) in a state directory of its own, uploads with test/s3/s3client.py and stops them before
# it exits; without Python it tests local origins and names only.
if(TEST unit.origin)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_Interpreter_FOUND)
    set_property(TEST unit.origin APPEND PROPERTY ENVIRONMENT
      "CARVE_TEST_PYTHON=${Python3_EXECUTABLE}"
      "CARVE_TEST_S3_DIR=${PROJECT_SOURCE_DIR}/test/s3"
      "CARVE_TEST_S3_STATE=${CMAKE_CURRENT_BINARY_DIR}/origin-s3")
    set_tests_properties(unit.origin PROPERTIES TIMEOUT 180)
  else()
    message(WARNING "carve: python3 not found: unit.origin does not test remote (HTTP) origins")
  endif()
endif()
