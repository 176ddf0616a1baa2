//! The README's picture of the wizard: a real frame of the demo at 100×30, kept current by a test.

use crate::tui::input::message::Action;
use crate::tui::tests::{act, demo, settle};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const BEGIN: &str =
    "<!-- wizard frame: made by `STRATA_BLESS=1 cargo test readme`; do not edit -->\n```text\n";
const END: &str = "```\n<!-- end of wizard frame -->";

/// The demo on Demographic just after a cut point was nudged: the age bands, the histogram
/// with its cuts and the live segment table with who moved, as plain text.
fn frame() -> String {
    let (mut app, mut engine) = demo();
    crate::tui::update::update(
        &mut app,
        crate::tui::input::message::Message::Resize(100, 30),
    );
    act(&mut app, Action::GoTo(2));
    act(&mut app, Action::NextEdge);
    for _ in 0..3 {
        let fx = act(&mut app, Action::Increase);
        settle(&mut app, &mut engine, fx);
    }
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| crate::tui::view::draw(f, &app, &crate::tui::view::theme::Theme::mono()))
        .unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn readme_shows_a_current_frame_of_the_wizard() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README has the wizard frame's markers")
        + BEGIN.len();
    let end = start
        + readme[start..]
            .find(END)
            .expect("README has the frame's end marker");
    let now = frame();
    if readme[start..end] == now {
        return;
    }
    if std::env::var_os("STRATA_BLESS").is_some() {
        let updated = format!("{}{now}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "the README's picture of the wizard is out of date; run `STRATA_BLESS=1 cargo test readme` \
         to redraw it. It now looks like:\n{now}"
    );
}

/// docs/wizard.md's key tables are the action table's: a key added to a step (or its words
/// changed) shows there, or this fails until `STRATA_BLESS=1 cargo test readme` writes it.
#[test]
fn readme_docs_key_tables_are_the_action_tables() {
    use crate::tui::steps::reference::{BEGIN, END, markdown};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/wizard.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let start = doc
        .find(BEGIN)
        .expect("docs/wizard.md has the keys' markers");
    let end = doc[start..]
        .find(END)
        .expect("docs/wizard.md has the keys' end marker")
        + start
        + END.len();
    let now = markdown();
    if doc[start..end] == now {
        return;
    }
    if std::env::var_os("STRATA_BLESS").is_some() {
        std::fs::write(&path, format!("{}{now}{}", &doc[..start], &doc[end..])).unwrap();
        return;
    }
    panic!(
        "docs/wizard.md's key tables differ from the action table; run \
         `STRATA_BLESS=1 cargo test readme` to write them. They are now:\n{now}"
    );
}
