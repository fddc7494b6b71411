// The handle table of the gn_lifecycle_* functions (lifecycle_abi.cpp), shared with the
// other translation units that export functions on the same handles (frame_detectors_abi.cpp).
#pragma once

#include "../include/genesis.h"
#include "lifecycle.hpp"

namespace gn::lifecycle_handles {

// The live instance behind a handle, or nullptr for 0, an unknown or a freed handle.
gn::Lifecycle* lookup(gn_lifecycle handle);

}  // namespace gn::lifecycle_handles
