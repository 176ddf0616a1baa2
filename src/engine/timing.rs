//! Phase timings and memory on stderr for profiling (`STRATA_TIMING`), never shown to users.

/// Phase timings on stderr when `STRATA_TIMING` is set (for profiling, not for users).
pub struct Timing(Option<std::cell::Cell<std::time::Instant>>);

impl Timing {
    pub fn new() -> Timing {
        Timing(
            std::env::var_os("STRATA_TIMING")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }

    pub fn mark(&self, what: &str) {
        if let Some(t) = &self.0 {
            // resident and peak memory so far (Linux; nothing elsewhere), to see which phase sets the peak
            let status = if cfg!(target_os = "linux") {
                "/proc/self/status"
            } else {
                ""
            };
            let mem = std::fs::read_to_string(status)
                .ok()
                .map(|st| {
                    let kb = |k: &str| {
                        st.lines()
                            .find(|l| l.starts_with(k))
                            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                            .unwrap_or(0)
                    };
                    format!(
                        " (rss {} MB, peak {} MB)",
                        kb("VmRSS:") / 1024,
                        kb("VmHWM:") / 1024
                    )
                })
                .unwrap_or_default();
            eprintln!(
                "timing: {what}: {:.3} s{mem}",
                t.get().elapsed().as_secs_f64()
            );
            t.set(std::time::Instant::now());
        }
    }
}

impl Default for Timing {
    fn default() -> Self {
        Timing::new()
    }
}
