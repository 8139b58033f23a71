//! `cargo run -p uniffi-bindgen -- generate --library <libgiliran_core.so> --language kotlin
//! --out-dir <dir>`: the bindings the apps compile, generated from the built library itself.

fn main() {
    uniffi::uniffi_bindgen_main()
}
