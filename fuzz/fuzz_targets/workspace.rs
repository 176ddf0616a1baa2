//! Fuzz target: any text as a workspace file loads or gives diagnostics with positions, never a
//! panic; a loaded workspace can be checked (headers of files that do not exist are errors).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::engine::rules::parse::parse_workspace;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("/nonexistent/fuzz.strata.toml");
    if let Ok(ws) = parse_workspace(path, text) {
        let _ = strata::engine::rules::check::check(&ws);
        let _ = ws.referenced_names();
    }
});
