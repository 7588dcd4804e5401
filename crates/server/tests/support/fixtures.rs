//! Where the platforms' real webhook deliveries and signature vectors are read at test
//! time: one lookup for the unit tests and both test binaries. The fixtures stay outside
//! the project and are never copied in.

use std::path::{Path, PathBuf};

/// The variable that names the folder holding `platforms/`.
pub const FIXTURES_ENV: &str = "SOCIAL_FIXTURES_DIR";

/// `$SOCIAL_FIXTURES_DIR/platforms/<platform>`, else the nearest
/// `shared/fixtures/platforms/<platform>` above the crate; a missing folder fails the test
/// with one line saying where it looked.
pub fn platform_fixtures(platform: &str) -> PathBuf {
    let tail = Path::new("platforms").join(platform);
    if let Some(dir) = std::env::var_os(FIXTURES_ENV) {
        return PathBuf::from(dir).join(tail);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let here = here.canonicalize().unwrap_or(here);
    here.ancestors()
        .map(|dir| dir.join("shared/fixtures").join(&tail))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "no shared/fixtures/{} above {}; set {FIXTURES_ENV} to the folder holding platforms/",
                tail.display(),
                here.display()
            )
        })
}
