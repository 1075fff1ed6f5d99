//! Output sets written as a whole (`run --out`, `generate --out`): killed at random moments or
//! run four at a time, a writer leaves the folder as one complete set — the previous one or the
//! new one, byte for byte — never a mix. A folder of other files is never replaced.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn workspace() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn impatto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impatto")).args(args).current_dir(workspace()).output().expect("impatto runs")
}

/// What a reader finds: file name → bytes.
type Set = BTreeMap<String, Vec<u8>>;

/// Every file under a directory (relative path → bytes); `None` when it does not exist.
fn contents(dir: &Path) -> Option<Set> {
    fn walk(dir: &Path, prefix: &str, set: &mut Set) {
        for e in std::fs::read_dir(dir).expect("read") {
            let e = e.expect("entry");
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().expect("type").is_dir() {
                walk(&e.path(), &format!("{name}/"), set);
            } else {
                set.insert(name, std::fs::read(e.path()).expect("read"));
            }
        }
    }
    let mut set = Set::new();
    std::fs::read_dir(dir).ok()?;
    walk(dir, "", &mut set);
    Some(set)
}

/// Two different `run` jobs: A pays FabriQ Quarto 2019, B Scuola dei Quartieri.
fn run_args(which: char, out: &Path) -> Vec<String> {
    let (data, rules) = match which {
        'A' => ("datasets/examples/fabriq-quarto", "datasets/examples/fabriq-quarto/rules-2019.toml"),
        _ => ("datasets/examples/scuola-dei-quartieri", "datasets/examples/scuola-dei-quartieri/rules.toml"),
    };
    ["run", "--data", data, "--rules", rules, "--out"].iter().map(|s| s.to_string()).chain([out.display().to_string()]).collect()
}

fn generate_args(which: char, out: &Path) -> Vec<String> {
    let seed = if which == 'A' { "1" } else { "2" };
    ["generate", "--programme", "scuola-dei-quartieri", "--seed", seed, "--out"]
        .iter()
        .map(|s| s.to_string())
        .chain([out.display().to_string()])
        .collect()
}

/// `payout -o FILE`: A is FabriQ Quarto 2019's statement, B Scuola dei Quartieri's.
fn payout_args(which: char, out: &Path) -> Vec<String> {
    let (data, rules) = match which {
        'A' => ("datasets/examples/fabriq-quarto", "datasets/examples/fabriq-quarto/rules-2019.toml"),
        _ => ("datasets/examples/scuola-dei-quartieri", "datasets/examples/scuola-dei-quartieri/rules.toml"),
    };
    ["payout", rules, "--data", data, "--output"].iter().map(|s| s.to_string()).chain([out.display().to_string()]).collect()
}

/// `indicators -o FILE`: A by programme, B by programme and municipio.
fn indicators_args(which: char, out: &Path) -> Vec<String> {
    let by = if which == 'A' { "programme" } else { "programme,municipio" };
    ["indicators", "--data", "datasets/examples/scuola-dei-quartieri", "--by", by, "--format", "csv", "--output"]
        .iter()
        .map(|s| s.to_string())
        .chain([out.display().to_string()])
        .collect()
}

/// A single output file as a one-entry set.
fn file_contents(path: &Path) -> Option<Set> {
    std::fs::read(path).ok().map(|b| BTreeMap::from([(String::new(), b)]))
}

/// Reference sets A and B, then a set A in `out`, then B killed at spread-out moments: `out`
/// is always all of A or all of B (or, killed between the two renames, absent until the next
/// writer puts A back).
fn kill_test(args: fn(char, &Path) -> Vec<String>, rounds: usize) {
    kill_test_of(args, contents, rounds, "out");
}

fn kill_test_of(args: fn(char, &Path) -> Vec<String>, contents: fn(&Path) -> Option<Set>, rounds: usize, name: &str) {
    let t = tempfile::tempdir().expect("tempdir");
    // The references are written where the test writes (outputs name their own paths).
    let out = t.path().join(name);
    let write = |which: char| {
        let a = args(which, &out);
        let o = impatto(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(o.status.success(), "{a:?}: {}", String::from_utf8_lossy(&o.stderr));
        contents(&out).expect("reference set")
    };
    let ref_a = write('A');
    let started = std::time::Instant::now();
    let ref_b = write('B');
    let span = started.elapsed().as_micros() as u64 + 1;
    assert_ne!(ref_a, ref_b);
    let a = args('A', &out);
    let mut seed: u64 = 0xfeed;
    let mut seen = BTreeMap::new();
    for round in 0..rounds {
        let which = if round % 2 == 0 { 'A' } else { 'B' };
        let mut child = Command::new(env!("CARGO_BIN_EXE_impatto"))
            .args(args(which, &out))
            .current_dir(workspace())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        std::thread::sleep(std::time::Duration::from_micros((seed >> 33) % (span * 5 / 4)));
        let _ = child.kill();
        let _ = child.wait();
        let state = match contents(&out) {
            None => "absent",
            Some(c) if c == ref_a => "A",
            Some(c) if c == ref_b => "B",
            Some(c) => panic!("round {round}: a mix of sets in {}: {:?}", out.display(), c.keys().collect::<Vec<_>>()),
        };
        *seen.entry(state).or_insert(0) += 1;
    }
    eprintln!("after {rounds} kills the folder held: {seen:?} (an undisturbed run takes {span} µs)");
    // The next writer finishes whatever a killed one left, and only a complete set remains.
    assert!(impatto(&a.iter().map(String::as_str).collect::<Vec<_>>()).status.success());
    assert_eq!(contents(&out).expect("out"), ref_a);
    if name == "out" {
        let names: Vec<String> = std::fs::read_dir(t.path())
            .expect("read")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".out."))
            .collect();
        assert!(names.is_empty(), "leftovers: {names:?}");
    }
}

#[cfg(unix)]
#[test]
fn run_killed_at_any_moment_leaves_one_whole_set() {
    kill_test(run_args, 12);
}

#[cfg(unix)]
#[test]
fn generate_killed_at_any_moment_leaves_one_whole_panel() {
    kill_test(generate_args, 10);
}

#[cfg(unix)]
#[test]
fn payout_output_killed_at_any_moment_is_one_whole_file() {
    kill_test_of(payout_args, file_contents, 10, "statement.csv");
}

#[cfg(unix)]
#[test]
fn indicators_output_killed_at_any_moment_is_one_whole_file() {
    kill_test_of(indicators_args, file_contents, 10, "indicators.csv");
}

/// Four writers at once, two of each set: each finishes or is refused by name, and the folder
/// holds one whole set.
#[test]
fn concurrent_runs_leave_one_whole_set_or_are_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let out = t.path().join("out");
    let reference = |which: char| {
        let a = run_args(which, &out);
        assert!(impatto(&a.iter().map(String::as_str).collect::<Vec<_>>()).status.success());
        contents(&out).expect("reference set")
    };
    let (ref_a, ref_b) = (reference('A'), reference('B'));
    for round in 0..5 {
        let children: Vec<_> = ['A', 'B', 'A', 'B']
            .iter()
            .map(|w| {
                Command::new(env!("CARGO_BIN_EXE_impatto"))
                    .args(run_args(*w, &out))
                    .current_dir(workspace())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        let mut finished = 0;
        for c in children {
            let o = c.wait_with_output().expect("wait");
            let e = String::from_utf8_lossy(&o.stderr);
            match o.status.code() {
                Some(0) => finished += 1,
                Some(1) => assert!(e.contains("found another impatto process writing it"), "round {round}: {e}"),
                other => panic!("round {round}: exit {other:?}: {e}"),
            }
        }
        assert!(finished >= 1, "round {round}: every writer refused");
        let c = contents(&out).expect("out");
        assert!(c == ref_a || c == ref_b, "round {round}: a mix: {:?}", c.keys().collect::<Vec<_>>());
        // The lock is removed by the writer that held it: nothing is left beside the set.
        let beside: Vec<String> =
            std::fs::read_dir(t.path()).expect("dir").filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
        assert_eq!(beside, ["out"], "round {round}: left beside the set: {beside:?}");
    }
}

#[test]
fn a_folder_of_other_files_is_never_replaced() {
    let t = tempfile::tempdir().expect("tempdir");
    let out = t.path().join("mine");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("notes.txt"), "keep me").expect("write");
    let a = run_args('A', &out);
    let o = impatto(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains(
            "expected a new or empty directory, or one impatto wrote (with manifest.json), found a directory of other files"
        ),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).expect("read"), "keep me");
    assert_eq!(std::fs::read_dir(&out).expect("read").count(), 1);
    // The manifest lists every file of a set with its digest.
    let set = t.path().join("set");
    let a = run_args('A', &set);
    assert!(impatto(&a.iter().map(String::as_str).collect::<Vec<_>>()).status.success());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(set.join("manifest.json")).expect("manifest")).expect("json");
    let listed: Vec<&str> =
        manifest["files"].as_array().expect("files").iter().map(|f| f["file"].as_str().expect("name")).collect();
    // Every file, the report's pages in their folders too (report/it/index.html).
    let mut on_disk: Vec<String> = contents(&set).expect("set").into_keys().collect();
    on_disk.retain(|n| n != "manifest.json");
    assert!(on_disk.contains(&"report/it/index.html".to_string()), "{on_disk:?}");
    assert_eq!(listed, on_disk);
}

/// `| head -c 0`: the reader goes away; the command ends quietly with success. A full disk
/// (`/dev/full`) is an error naming stdout.
#[cfg(target_os = "linux")]
#[test]
fn a_closed_pipe_is_quiet_and_a_full_stdout_is_named() {
    for args in [&["check", "indicators/definitions"][..], &["validate", "--data", "datasets/examples/scuola-dei-quartieri"][..]]
    {
        let writes_to_stdout = args[0] == "check";
        let mut child = Command::new(env!("CARGO_BIN_EXE_impatto"))
            .args(args)
            .current_dir(workspace())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // The reader is gone before the command writes a byte: its write fails with EPIPE.
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait");
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"), "{args:?}");
        if !writes_to_stdout {
            continue; // a clean panel's report is empty: nothing reaches stdout
        }
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let o =
            Command::new(env!("CARGO_BIN_EXE_impatto")).args(args).current_dir(workspace()).stdout(full).output().expect("runs");
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        assert!(e.contains("writing to stdout") && !e.contains("panicked"), "{args:?}: {e}");
    }
}

/// The mix: one generation's `beneficiaries` beside another's `panel`. Row by row it is
/// valid; against the manifest `generate` wrote, it is not.
#[test]
fn a_panel_mixing_two_generations_fails_validation() {
    let t = tempfile::tempdir().expect("tempdir");
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    for (which, dir) in [('A', &a), ('B', &b)] {
        let args = generate_args(which, dir);
        assert!(impatto(&args.iter().map(String::as_str).collect::<Vec<_>>()).status.success());
    }
    let a_text = a.to_str().expect("utf-8");
    assert!(impatto(&["validate", "--data", a_text]).status.success());
    std::fs::copy(b.join("beneficiaries.parquet"), a.join("beneficiaries.parquet")).expect("copy");
    let o = impatto(&["validate", "--data", a_text]);
    assert_eq!(o.status.code(), Some(1));
    let report = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(report.contains("beneficiaries.parquet") && report.contains("as listed in"), "{report}");
    assert!(report.contains("mixes files of two writes"), "{report}");
}

/// A writer killed before its rename leaves `.<name>.<pid>.tmp` beside the target; the next
/// write removes it when that process is gone, and leaves a live writer's alone.
#[test]
fn a_killed_writers_temporary_file_is_removed_by_the_next_write() {
    let t = tempfile::tempdir().expect("tempdir");
    let out = t.path().join("statement.csv");
    // No process has this id: Linux's pid_max is at most 2^22.
    let stale = t.path().join(".statement.csv.4999999.tmp");
    let live = t.path().join(format!(".statement.csv.{}.tmp", std::process::id()));
    std::fs::write(&stale, "half a statement").expect("write");
    std::fs::write(&live, "another writer's").expect("write");
    let args = payout_args('A', &out);
    let output = impatto(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(out.exists());
    assert!(!stale.exists(), "the stale temporary file is left");
    assert!(live.exists(), "a running process's temporary file was removed");
}
