//! End to end: the `rtc-usage` binary against the embedded emulator, compared with the
//! emulator's ground truth. (Declared as a test of `rtc-usage-cli`, the package that builds
//! the binary.)

mod accounts;
mod api;
mod harness;
mod html;
mod official_sdks;
mod output;
mod shapes;
mod store;
mod usage;
