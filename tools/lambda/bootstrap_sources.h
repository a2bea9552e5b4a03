// The bootstrap scripts of the python and node runtimes (tools/lambda/bootstrap/), compiled in.
// Thread-safety: constant data.
#pragma once

#include <string_view>

namespace freshet::lambda {

std::string_view PythonBootstrap();
std::string_view NodeBootstrap();

}  // namespace freshet::lambda
