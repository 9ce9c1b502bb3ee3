//! completions/ and man/ are generated from the clap definition and committed; this fails when
//! they are out of date. Regenerate with `cargo run -- generate .`.

mod common;

use std::fs;
use std::path::Path;

fn files_under(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn committed_completions_and_man_pages_match_the_cli_definition() {
    let fresh = tempfile::tempdir().unwrap();
    common::sockkit().args(["generate", fresh.path().to_str().unwrap()]).assert().success();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["completions", "man"] {
        let (new, old) = (fresh.path().join(sub), committed.join(sub));
        assert_eq!(
            files_under(&new),
            files_under(&old),
            "{sub}/ lists different files: run `cargo run -- generate .`"
        );
        for name in files_under(&new) {
            let (a, b) = (fs::read(new.join(&name)).unwrap(), fs::read(old.join(&name)).unwrap());
            assert!(a == b, "{sub}/{name} is out of date: run `cargo run -- generate .`");
        }
    }
}

#[test]
fn help_and_version_exit_0() {
    common::sockkit()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("sockkit {}\n", env!("CARGO_PKG_VERSION")));
    let out = common::sockkit().args(["help", "echo"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("serve"));
}
