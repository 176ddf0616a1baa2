//! The wizard in a pseudo-terminal: keys in, screen out, terminal restored, files saved.

use super::*;

/// A pseudo-terminal running the real binary: output parsed into a screen by a VT100 emulator.
pub(super) struct Pty {
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    parser: vt100::Parser,
    raw: Vec<u8>,
    writer: Box<dyn std::io::Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    pub(super) fn spawn(args: &[&str], cols: u16, rows: u16) -> Pty {
        Self::spawn_env(args, cols, rows, &[])
    }

    pub(super) fn spawn_env(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        use portable_pty::{CommandBuilder, PtySize, native_pty_system};
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("strata"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("STRATA_CACHE_DIR", super::TEST_CACHE);
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _keep = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Pty {
            rx,
            parser: vt100::Parser::new(
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
                0,
            ),
            raw: Vec::new(),
            writer,
            child,
        }
    }

    pub(super) fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Wait (up to 20 s) until the screen shows `text`.
    pub(super) fn wait_for(&mut self, text: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !self.screen().contains(text) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(chunk) => {
                    self.parser.process(&chunk);
                    self.raw.extend_from_slice(&chunk);
                    // answer "where is the cursor?" as a terminal does (the emulator does not)
                    if chunk.windows(4).any(|w| w == b"\x1b[6n") {
                        self.keys("\x1b[1;1R");
                    }
                }
                Err(_) => panic!("screen never showed {text:?}; it shows:\n{}", self.screen()),
            }
        }
    }

    /// Wait (up to 20 s) until the screen no longer shows `text`.
    pub(super) fn wait_gone(&mut self, text: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.screen().contains(text) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(chunk) => {
                    self.parser.process(&chunk);
                    self.raw.extend_from_slice(&chunk);
                }
                Err(_) => panic!("screen still shows {text:?}:\n{}", self.screen()),
            }
        }
    }

    pub(super) fn keys(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// `kill -9`: no handler runs, nothing is cleaned up.
    fn kill(mut self) {
        let pid = self.child.process_id().expect("pid");
        let ok = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let _ = self.child.wait();
    }

    /// Wait for the process to end and read what is left of its output.
    pub(super) fn finish(mut self) -> (u32, Vec<u8>) {
        let status = self.child.wait().unwrap();
        while let Ok(chunk) = self.rx.recv_timeout(std::time::Duration::from_secs(5)) {
            self.raw.extend_from_slice(&chunk);
        }
        (status.exit_code(), self.raw)
    }
}

#[test]
fn tui_runs_in_a_pseudo_terminal_and_restores_it() {
    let mut t = Pty::spawn(&[], 100, 30);
    t.wait_for("customers by value");
    t.wait_for("✓1");
    t.keys("3");
    t.wait_for("age_band");
    t.wait_for("segments");
    t.keys("+");
    // the live table shows the change since the edit
    t.wait_for("+");
    t.keys("?");
    t.wait_for("keys on Demographic");
    // the help takes every key: 9 does nothing until Esc closes it
    t.keys("9");
    t.wait_for("Esc closes it");
    t.keys("\x1b");
    t.wait_gone("keys on Demographic");
    t.keys("9");
    t.wait_for("worth it");
    t.keys("q");
    let (code, raw) = t.finish();
    assert_eq!(code, 0);
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).to_string();
    assert!(
        tail.contains("\x1b[?1049l"),
        "the alternate screen was left: {tail:?}"
    );
}

#[test]
fn tui_opens_a_workspace_and_saves_nudged_cut_points() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let before = std::fs::read_to_string(&ws).unwrap();
    let mut t = Pty::spawn(&["open", &ws.to_string_lossy()], 120, 36);
    t.wait_for("customers by value");
    t.keys("3");
    t.wait_for("age_band");
    t.keys("+");
    t.wait_for("cut points: 26");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
    let after = std::fs::read_to_string(&ws).unwrap();
    assert!(after.contains("edges = [26, 40, 60]"), "{after}");
    // everything else, comments included, is as it was
    assert_eq!(
        after.replace("edges = [26, 40, 60]", "edges = [25, 40, 60]"),
        before
    );
}

/// Ctrl-Z hands the terminal back and takes it again. Here the stop itself is discarded (the
/// process group has no shell to resume it), so the wizard goes straight on: it must take the
/// terminal back (which asks where the cursor is, while the input thread is reading) and draw.
#[test]
fn tui_takes_the_terminal_back_after_ctrl_z() {
    let mut t = Pty::spawn(&[], 100, 30);
    t.wait_for("customers by value");
    t.keys("\x1a");
    t.keys("3");
    t.wait_for("age_band");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
}

#[test]
fn tui_restores_the_terminal_on_sigterm_and_sighup() {
    for sig in ["-TERM", "-HUP"] {
        let mut t = Pty::spawn(&[], 100, 30);
        t.wait_for("customers by value");
        let pid = t.child.process_id().expect("pid");
        let ok = std::process::Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let (code, raw) = t.finish();
        assert_eq!(code, 0, "{sig}");
        let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).to_string();
        assert!(
            tail.contains("\x1b[?1049l"),
            "{sig}: the alternate screen was left: {tail:?}"
        );
    }
}

#[test]
fn tui_restores_the_terminal_when_it_panics() {
    let mut t = Pty::spawn_env(&[], 100, 30, &[("STRATA_FAULT", "panic")]);
    t.wait_for("customers by value");
    let (code, raw) = t.finish();
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 101, "{text}");
    let left = text
        .rfind("\x1b[?1049l")
        .expect("the alternate screen was left");
    let panicked = text
        .find("injected fault")
        .expect("the panic message is shown");
    // the terminal is restored before the message, so the message is readable afterwards
    assert!(left < panicked, "{text:?}");
}

#[test]
fn tui_reads_the_users_keymap() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("strata")).unwrap();
    std::fs::write(
        d.path().join("strata/keymap.toml"),
        "[keys]\nquit = \"Q\"\n",
    )
    .unwrap();
    let cfg = d.path().to_string_lossy().to_string();
    let mut t = Pty::spawn_env(&[], 100, 30, &[("XDG_CONFIG_HOME", &cfg)]);
    t.wait_for("customers by value");
    // the footer shows the user's key, and q no longer quits
    t.wait_for("Q quit");
    t.keys("q3");
    t.wait_for("age_band");
    t.keys("Q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
}

#[test]
fn open_without_a_terminal_fails_cleanly_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let data = write(d.path(), "people.csv", b"id,age\n1,30\n2,40\n");
    let (code, _, err) = run(&["open", &data]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: strata open needs a terminal"),
        "{err}"
    );
    assert!(!d.path().join("people.strata.toml").exists());
}

#[test]
fn open_on_a_data_file_writes_a_starter_workspace_from_suggestions() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("spaced_headers.csv"), d.path().join("mall.csv")).unwrap();
    let data = d.path().join("mall.csv").to_string_lossy().to_string();
    let mut t = Pty::spawn(&["open", &data], 100, 30);
    t.wait_for("customers by value");
    t.wait_for("60 customers");
    t.keys("2");
    t.wait_for("Annual Income (k$)");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
    let ws = std::fs::read_to_string(d.path().join("mall.strata.toml")).unwrap();
    assert!(
        ws.contains("customers = \"mall.csv\"") && ws.contains("customer_id = \"CustomerID\""),
        "{ws}"
    );
    let (code, _, err) = run(&[
        "check",
        &d.path().join("mall.strata.toml").to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn tui_edits_a_condition_with_live_checking_and_saves_it() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let before = std::fs::read_to_string(&ws).unwrap();
    let mut t = Pty::spawn(&["open", &ws.to_string_lossy()], 120, 36);
    t.wait_for("customers by value");
    t.keys("6");
    t.wait_for("lifecycle");
    t.keys("jje");
    t.wait_for("condition of \"lapsed\"");
    t.keys(&"\x7f".repeat(18));
    t.keys("recency > 180");
    t.wait_for("did you mean \"recency_days\"?");
    t.keys(&"\x7f".repeat(13));
    t.keys("recency_days > 180");
    t.wait_for("valid");
    t.keys("\r");
    t.wait_for("recency_days > 180");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
    let after = std::fs::read_to_string(&ws).unwrap();
    assert!(
        after.contains("{ name = \"lapsed\", when = \"recency_days > 180\" }"),
        "{after}"
    );
    assert_eq!(
        after.replace("recency_days > 180", "recency_days > 365"),
        before,
        "nothing else changed"
    );
}

#[test]
fn tui_follows_edits_made_to_the_workspace_in_another_editor() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let mut t = Pty::spawn(&["open", &ws.to_string_lossy()], 120, 36);
    t.wait_for("customers by value");
    t.keys("6");
    t.wait_for("lifecycle");
    let text = std::fs::read_to_string(&ws).unwrap();
    std::fs::write(
        &ws,
        text.replace("name = \"lapsed\"", "name = \"gone quiet\""),
    )
    .unwrap();
    t.wait_for("gone quiet");
    // a broken file on disk keeps the last good rules and says where the problem is
    let text = std::fs::read_to_string(&ws).unwrap();
    std::fs::write(&ws, text.replace("orders = 1\"", "ordrs = 1\"")).unwrap();
    t.wait_for("unknown column \"ordrs\"");
    assert!(t.screen().contains("gone quiet"));
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
}

/// kill -9 while typing a condition: the next start offers the text again, Enter saves it.
#[test]
fn tui_recovers_an_edit_typed_when_killed() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let mut t = Pty::spawn(&["open", &ws.to_string_lossy()], 120, 36);
    t.wait_for("customers by value");
    t.keys("6");
    t.wait_for("lifecycle");
    t.keys("jje");
    t.wait_for("condition of \"lapsed\"");
    // Ctrl-E: to the end of the text (which opens selected), then three characters go
    t.keys("\x05");
    t.keys(&"\x7f".repeat(3));
    t.keys("200");
    t.wait_for("recency_days > 200");
    let recover = d.path().join("w/.demo.strata.toml.recover");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !std::fs::read_to_string(&recover).is_ok_and(|s| s.contains("recency_days > 200")) {
        assert!(std::time::Instant::now() < deadline, "no recovery file");
        std::thread::yield_now();
    }
    t.kill();
    assert!(
        !std::fs::read_to_string(&ws).unwrap().contains("> 200"),
        "not applied yet"
    );
    let mut t = Pty::spawn(&["open", &ws.to_string_lossy()], 120, 36);
    t.wait_for("recovered an edit");
    t.wait_for("recency_days > 200");
    t.keys("\r");
    t.wait_for("lapsed");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
    assert!(
        std::fs::read_to_string(&ws)
            .unwrap()
            .contains("when = \"recency_days > 200\"")
    );
    assert!(
        !recover.exists(),
        "the recovery file goes once the edit is applied"
    );
}

/// Classify: Enter saves the selected column's suggested role, and the data is read again.
#[test]
fn tui_classify_confirms_characteristics_into_the_workspace() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let text = std::fs::read_to_string(&ws).unwrap();
    let pii_line = text
        .lines()
        .find(|l| l.starts_with("pii = "))
        .unwrap()
        .to_string();
    std::fs::write(&ws, text.replace(&format!("{pii_line}\n"), "")).unwrap();
    let mut t = Pty::spawn(&["open", &ws.to_string_lossy()], 120, 36);
    t.wait_for("customers by value");
    t.keys("2");
    t.wait_for("personal data 95 %?");
    // Enter on email confirms personal data, which also lists it in pii
    t.keys("jj");
    t.keys("\r");
    t.wait_for("data was read again");
    t.wait_for("✓ personal data");
    // type one on name: checked as typed, a [columns] key is taken too
    t.keys("gje");
    t.wait_for("characteristic of the column");
    t.keys(&"\x7f".repeat(30));
    t.keys("pi");
    t.wait_for("\"pi\" is not a characteristic");
    t.keys("i\r");
    t.wait_for("data was read again");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
    let after = std::fs::read_to_string(&ws).unwrap();
    assert!(after.contains("pii = [\"email\", \"name\"]"), "{after}");
    assert!(
        after.contains("[characteristics]\nemail = \"personal_data\"\nname = \"personal_data\""),
        "{after}"
    );
}

#[test]
fn ctrl_c_cancels_a_long_load_and_writes_nothing() {
    // 4 M rows: long enough in a debug build that the progress line shows before the end
    let d = tempfile::tempdir().unwrap();
    let mut data = String::with_capacity(60 << 20);
    data.push_str("id,spend,region\n");
    for i in 1..=4_000_000u32 {
        data.push_str(&format!("{i},{}.5,r{}\n", i % 997, i % 7));
    }
    std::fs::write(d.path().join("big.csv"), data).unwrap();
    let ws = d.path().join("big.strata.toml");
    std::fs::write(
        &ws,
        "version = 1\n[data]\ncustomers = \"big.csv\"\n[columns]\ncustomer_id = \"id\"\n\
         [criteria.spend]\nstep = \"demographic\"\nbins = { column = \"spend\", edges = [100, 500] }\n",
    )
    .unwrap();
    let out = d.path().join("members.csv");
    let args = ["run", ws.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let mut t = Pty::spawn(&args, 120, 10);
    t.wait_for("(Ctrl-C cancels)");
    t.keys("\x03");
    let (code, raw) = t.finish();
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 130, "{text}");
    assert!(text.contains("cancelled; nothing was written"), "{text}");
    let left: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(!out.exists() && left.len() == 2, "files left: {left:?}");
}

/// `tmux` with a socket of the test's own. Only tests marked `#[ignore = "needs tmux"]` call
/// this; it fails loudly when tmux is missing.
fn tmux(socket: &str) -> impl Fn(&[&str]) -> std::process::Output {
    let have = std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(have, "this test needs tmux: apt install tmux");
    let socket = socket.to_string();
    move |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    }
}

#[test]
#[ignore = "needs tmux"]
fn tui_ends_when_its_terminal_hangs_up_and_keeps_the_edit() {
    // an SSH session dropping: the terminal itself goes away (tmux's server is killed)
    let socket = format!("strata-test-{}", std::process::id());
    let tmux = tmux(&socket);
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let bin = assert_cmd::cargo::cargo_bin("strata");
    let cmd = format!(
        "env STRATA_CACHE_DIR={} {} open {}",
        super::TEST_CACHE,
        bin.display(),
        ws.display()
    );
    let o = tmux(&["new-session", "-d", "-x", "120", "-y", "36", &cmd]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let screen = || String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).to_string();
    let wait_for = |text: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !screen().contains(text) {
            assert!(
                std::time::Instant::now() < deadline,
                "never showed {text:?}:\n{}",
                screen()
            );
            std::thread::yield_now();
        }
    };
    wait_for("customers by value");
    let pid_text = String::from_utf8_lossy(&tmux(&["display", "-p", "#{pane_pid}"]).stdout)
        .trim()
        .to_string();
    let pid: u32 = pid_text.parse().expect("pane pid");
    tmux(&["send-keys", "3"]);
    wait_for("bins on age");
    tmux(&["send-keys", "+"]);
    // the edited rule itself (the List's rank 26 may still be on a half-redrawn screen)
    wait_for("cut points: 26");
    tmux(&["kill-server"]);
    // the process ends by itself (the watchdog allows 3 s for a stalled loop)
    let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while proc.exists()
        && !std::fs::read_to_string(proc.join("stat")).is_ok_and(|s| s.contains(") Z "))
    {
        if std::time::Instant::now() > deadline {
            // do not leave it spinning
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("strata (pid {pid}) was still running 20 s after its terminal hung up");
        }
        std::thread::yield_now();
    }
    let after = std::fs::read_to_string(&ws).unwrap();
    assert!(after.contains("edges = [26, 40, 60]"), "{after}");
}

#[test]
fn the_wizard_opens_every_broken_file_or_says_why_and_restores_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    for (name, bytes) in super::corpus::corpus() {
        let dir = d.path().join(name.replace('.', "_"));
        std::fs::create_dir_all(&dir).unwrap();
        write(&dir, name, &bytes);
        let ws = super::corpus::corpus_workspace(&dir, name);
        let mut t = Pty::spawn(&["open", &ws], 100, 30);
        // either the wizard's first screen or an error before it starts
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let opened = loop {
            let s = t.screen();
            if s.contains("customers by value") {
                break true;
            }
            if s.contains("error: ") {
                break false;
            }
            assert!(std::time::Instant::now() < deadline, "{name}: {s}");
            if let Ok(chunk) = t.rx.recv_timeout(std::time::Duration::from_millis(200)) {
                t.parser.process(&chunk);
                t.raw.extend_from_slice(&chunk);
            }
        };
        if opened {
            t.keys("q");
        }
        let (code, raw) = t.finish();
        let text = String::from_utf8_lossy(&raw).to_string();
        assert!(!text.contains("panicked"), "{name}: {text}");
        if opened {
            assert_eq!(code, 0, "{name}");
            assert!(
                text.contains("\x1b[?1049l"),
                "{name}: terminal not restored"
            );
            // escapes in the data are shown as text, never sent to the terminal
            assert!(
                !text.contains("\x1b]0;pwned"),
                "{name}: an escape reached the terminal"
            );
        } else {
            assert_eq!(code, 1, "{name}: {text}");
            assert!(
                text.contains(name),
                "{name}: the error does not name the file: {text}"
            );
        }
    }
}

/// A whole segmentation authored at 80×24 without touching the file: the marketing-campaign
/// table (no workspace, no orders), its value set to the sum of the six amount columns, an
/// education map and an age criterion from `Year_Birth`, then Valuation; the values on screen
/// are those of `strata run` on the saved workspace.
#[test]
fn a_segmentation_is_authored_at_80x24_without_the_file() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("marketing_campaign_600.csv"),
        d.path().join("mc.csv"),
    )
    .unwrap();
    let data = d.path().join("mc.csv").to_string_lossy().to_string();
    let mut t = Pty::spawn(&["open", &data], 80, 24);
    t.wait_for("600 customers");
    t.wait_for("every customer counts 1");
    t.keys("9");
    t.wait_for("No criteria yet");
    t.keys("v");
    t.wait_for("MntGoldProds");
    t.keys("\r");
    t.wait_for("value per customer: MntWines");
    t.keys("3");
    t.wait_for("No demographic criterion yet");
    t.keys("N");
    t.wait_for("new criterion from a column");
    t.keys("Educ\t");
    t.wait_for("Education");
    t.keys("\r");
    t.wait_for("criteria: education");
    t.keys("N");
    t.wait_for("new criterion from a column");
    t.keys("2014 - Year_Birth\r");
    t.wait_for("2014_year_birth");
    // every edit is already in the file: strata run on it gives the numbers to expect
    let ws = d.path().join("mc.strata.toml");
    let text = std::fs::read_to_string(&ws).unwrap();
    assert!(
        text.contains("value = \"MntWines + MntFruits + MntMeatProducts + MntFishProducts + MntSweetProducts + MntGoldProds\""),
        "{text}"
    );
    let s = d.path().join("s.json");
    let (code, _, err) = run(&[
        "run",
        &ws.to_string_lossy(),
        "--summary",
        &s.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    let crits = v["criteria"].as_array().unwrap();
    assert_eq!(crits.len(), 2);
    assert!(crits[1]["segments"].as_array().unwrap().len() >= 4);
    let edu = crits.iter().find(|c| c["name"] == "education").unwrap();
    let segs = edu["segments"].as_array().unwrap();
    let amount =
        |seg: &serde_json::Value| super::run::strata_amount(seg["value"].as_f64().unwrap());
    t.keys("9");
    t.wait_for("per customer");
    for seg in segs {
        t.wait_for(&amount(seg));
    }
    let screen = t.screen();
    for seg in segs {
        let name = seg["name"].as_str().unwrap();
        let line = screen
            .lines()
            .find(|l| l.contains(&format!("│{name} ")))
            .unwrap_or_else(|| panic!("{name} not on screen:\n{screen}"));
        assert!(
            line.contains(&amount(seg)),
            "{name}: {} not in {line:?}",
            amount(seg)
        );
    }
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
}

/// Key presses in what is sent: an escape sequence (an arrow, End) is one key.
fn presses(keys: &str) -> usize {
    let mut n = 0;
    let mut chars = keys.chars().peekable();
    while let Some(c) = chars.next() {
        n += 1;
        if c == '\x1b' && matches!(chars.peek(), Some('[') | Some('O')) {
            chars.next();
            // the sequence ends at its first letter or ~
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() || d == '~' {
                    break;
                }
            }
        }
    }
    n
}

/// The whole method at 80×24 on the bare marketing-campaign export, keys only: confirm every
/// characteristic, age bands from the birth year, a map regrouped (Together into Married), the
/// value, the exclusivity check, Valuation, one segment written to a file. The keys are counted:
/// the journey takes at most 60 (32 when written; about 140 before this round, and step 2 could
/// not be finished at all).
#[test]
fn the_whole_method_at_80x24_from_the_bare_export_in_few_keys() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("marketing_campaign_600.csv"),
        d.path().join("mc.csv"),
    )
    .unwrap();
    let data = d.path().join("mc.csv").to_string_lossy().to_string();
    let mut t = Pty::spawn(&["open", &data], 80, 24);
    let mut count = 0;
    let mut press = |t: &mut Pty, keys: &str, then: &str| {
        count += presses(keys);
        t.keys(keys);
        t.wait_for(then);
    };
    t.wait_for("600 customers");
    // step 2: every suggestion confirmed at once
    press(&mut t, "2", "birth year 60 %?");
    press(&mut t, "A", "confirmed 29 suggestions");
    press(&mut t, "3", "No demographic criterion yet");
    // N offers the birth year first: Enter makes age bands
    press(&mut t, "N", "Year_Birth, Education");
    press(&mut t, "\r", "- Year_Birth");
    t.wait_for("criteria: age");
    // a map of the marital status, Together moved into Married in one edit
    press(&mut t, "N", "confirmed in step 2");
    press(&mut t, "Mar\t", "Marital_Status");
    press(&mut t, "\r", "groups of Marital_Status");
    press(&mut t, "e", "values of group");
    press(
        &mut t,
        "\x1b[F, Together\r",
        "Together moved from group Together to Married",
    );
    press(&mut t, "8", "Exclusivity");
    t.wait_for("exclusive");
    // Valuation, with the value: the sum of the amount columns it suggests
    press(&mut t, "9", "per customer");
    press(&mut t, "v", "MntGoldProds");
    press(&mut t, "\r", "value per customer: MntWines");
    // one segment written for a mailing, from Valuation: the next criterion's top segment
    press(&mut t, "l", "marital_status (demographic)");
    press(&mut t, "w", "marital_status--Married.csv");
    press(&mut t, "\r", "390 customers of \"Married\"");
    press(&mut t, "q", "");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
    eprintln!("the journey took {count} key presses");
    assert!(count <= 60, "{count} key presses");
    let ws = std::fs::read_to_string(d.path().join("mc.strata.toml")).unwrap();
    assert!(ws.contains("Year_Birth = \"birth_year\""), "{ws}");
    assert!(ws.contains("- Year_Birth\""), "{ws}");
    assert!(ws.contains("Married = [\"Married\", \"Together\"]"), "{ws}");
    let written: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n == "marital_status--Married.csv")
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
}

#[test]
fn the_wizard_opens_on_a_bad_cell_shows_it_and_b_writes_the_option() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("messy/orders_word.csv"),
        d.path().join("orders.csv"),
    )
    .unwrap();
    let ws = write(
        d.path(),
        "w.strata.toml",
        b"version = 1\n\n[data]\norders = \"orders.csv\" # the shop's log\n\n[columns]\n\
          customer_id = \"customer_id\"\norder_id = \"invoice\"\norder_date = \"date\"\n\
          quantity = \"qty\"\nunit_price = \"price\"\n",
    );
    let before = std::fs::read_to_string(&ws).unwrap();
    // a run stops on it; the wizard opens anyway and says what and where on every step
    let (code, _, _) = run(&["run", &ws]);
    assert_eq!(code, 1);
    let mut t = Pty::spawn(&["open", &ws], 80, 24);
    t.wait_for("orders.csv line 8, qty: \"twelve\" is not a number");
    t.keys("2");
    t.wait_for("! spend");
    // the last column but one
    t.keys("Gk");
    t.wait_for("line 8");
    t.wait_for("\"twelve\" — a run stops on it");
    t.keys("9");
    t.wait_for(" Valuation ");
    assert!(
        t.screen().contains("line 8, qty: \"twelve\""),
        "{}",
        t.screen()
    );
    // b writes the option (the path becomes a table, the comment stays), u takes it back
    t.keys("b");
    t.wait_for("written to the workspace");
    let after = std::fs::read_to_string(&ws).unwrap();
    assert!(
        after.contains(
            "orders = { path = \"orders.csv\", bad_values = \"missing\" } # the shop's log"
        ),
        "{after}"
    );
    assert!(!t.screen().contains("is not a number"), "{}", t.screen());
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 0, "{err}");
    t.keys("u");
    t.wait_for("undo:");
    assert_eq!(std::fs::read_to_string(&ws).unwrap(), before);
    t.wait_for("is not a number");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
}
