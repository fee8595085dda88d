# SystemC 2.3.4 from Debian: pkg-config only (no CMake config), library built as C++17.
if(NOT TARGET PkgConfig::SystemC)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SystemC REQUIRED IMPORTED_TARGET systemc)
  # Debian's libsystemc is C++17: C++20 TUs must ask for the C++17 API symbol (sc_api_version_..._cxx201703L).
  set_property(TARGET PkgConfig::SystemC APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS SC_CPLUSPLUS=201703L)
endif()
