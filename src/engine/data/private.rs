//! Files only their owner reads: the folders strata keeps things in (cached tables, pulled rows),
//! refused when others could plant a file there, and names that stay the same across builds.

use std::fs::{self, File};
use std::io;
use std::path::Path;

/// Make the folder (only the owner may enter it) if it is not there; a folder that is there is
/// left as it is, and used only when [`trusted`].
pub fn make_private_dir(dir: &Path) -> io::Result<()> {
    if !dir.exists() {
        let mut b = fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)?;
    }
    trusted(dir).map_err(io::Error::other)
}

/// Whether files in `dir` can be trusted: the folder is ours, and nobody else can write in it
/// (else anyone could plant a file strata would take for its own).
pub fn trusted(dir: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(m) = fs::metadata(dir) else {
            return Ok(());
        };
        // the process's own user, where the system says it (Linux)
        let me = fs::metadata("/proc/self").map(|s| s.uid()).ok();
        if m.mode() & 0o022 != 0 || me.is_some_and(|u| u != m.uid()) {
            return Err(format!(
                "the cache folder {} is not yours alone (others can write in it), so nothing \
                 is read from or kept in it; use a folder only you can write (chmod go-w), or \
                 set STRATA_CACHE_DIR",
                dir.display()
            ));
        }
    }
    Ok(())
}

/// A new file only the owner may read or write (it must not exist yet).
pub fn create_private(p: &Path) -> io::Result<File> {
    let mut o = File::options();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(p)
}

/// A 64-bit FNV-1a hash: file names that stay the same across builds and platforms.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
