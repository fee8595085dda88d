# vsim_project_target(<target>): the warning set every project target builds with.
function(vsim_project_target tgt)
  target_compile_options(${tgt} PRIVATE -Wall -Wextra -Wshadow=local -Wnon-virtual-dtor)
  if(VSIM_WERROR)
    target_compile_options(${tgt} PRIVATE -Werror)
  endif()
endfunction()

# vsim_gtest(<name> SOURCES ... LIBS ... [LABELS ...]): a GoogleTest executable, one ctest per TEST.
function(vsim_gtest name)
  if(NOT VSIM_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  vsim_project_target(${name})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  set(_labels unit)
  if(T_LABELS)
    set(_labels ${T_LABELS})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${_labels}" TIMEOUT 120 ENVIRONMENT "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1")
endfunction()
