// Settings (GUCs) of the cdp extension, defined in src/pg/module.cpp.
// Include after cdp/pg/bridge.h.
#pragma once

namespace cdp::pg {

// cdp.rbitmap_output: how rbitmap values are printed.
enum RbitmapOutput { kRbitmapOutputArray = 0, kRbitmapOutputBinary = 1 };
extern "C" int cdp_rbitmap_output;

}  // namespace cdp::pg
