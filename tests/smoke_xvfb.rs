//! Starts the real binary in a real window under Xvfb, lets it render a
//! Chinese screen, save an in-app screenshot and exit; checks the PNG.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn decode(path: &std::path::Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgba);
    (info.width, info.height, buf)
}

/// Runs the real binary under Xvfb with `--screenshot shot`; its exit
/// status, stdout and stderr.
fn run_with_screenshot(
    data: &std::path::Path,
    lang: &str,
    shot: &std::path::Path,
) -> (std::process::ExitStatus, String, String) {
    let found = Command::new("sh")
        .args(["-c", "command -v xvfb-run"])
        .output()
        .map(|o| o.status.success());
    assert!(
        found.unwrap_or(false),
        "xvfb-run is needed for this test: apt-get install xvfb xauth libgl1-mesa-dri libglx-mesa0 (see .ci/run)"
    );
    // Its own display numbers (from 200): not the ones another test's
    // Xvfb may still be letting go of.
    let mut child = Command::new("xvfb-run")
        .args([
            "-a",
            "-n",
            "200",
            "-s",
            "-screen 0 1280x800x24",
            env!("CARGO_BIN_EXE_cardguard"),
        ])
        .arg("--data-dir")
        .arg(data)
        .args(["--lang", lang, "--window-size", "900x640", "--screenshot"])
        .arg(shot)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start xvfb-run");
    // A watchdog, not a timing assertion: a hung window must not hang CI.
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the app did not exit within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = child.wait_with_output().unwrap();
    (
        status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn real_binary_renders_chinese_and_saves_a_screenshot() {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.png");
    let data = dir.path().join("data");
    let (status, stdout, stderr) = run_with_screenshot(&data, "zh-CN", &shot);
    assert!(status.success(), "exit {status}: {stdout}\n{stderr}");
    assert!(stdout.contains("screenshot saved"), "{stdout}");

    let (w, h, rgba) = decode(&shot);
    assert!(w >= 800 && h >= 500, "{w}x{h}");
    let pixels: Vec<[u8; 4]> = rgba
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2], p[3]])
        .collect();
    let background = pixels[pixels.len() / 2 + w as usize / 2 - 1];
    let differing = pixels.iter().filter(|p| **p != background).count();
    let distinct: std::collections::HashSet<[u8; 4]> = pixels.iter().copied().collect();
    assert!(
        differing * 100 > pixels.len(),
        "almost blank: {differing} of {} pixels differ",
        pixels.len()
    );
    assert!(
        distinct.len() > 50,
        "only {} colours: no anti-aliased text",
        distinct.len()
    );
    // The app really ran on that data dir.
    let journal = std::fs::read_to_string(data.join("journal.jsonl")).unwrap();
    assert!(journal.contains("\"kind\":\"app_started\""));
}

/// `--screenshot` that cannot save says why in the person's language and
/// exits non-zero: a missing folder, a folder, a symlink (never followed).
#[test]
fn a_screenshot_that_cannot_be_saved_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let victim = dir.path().join("victim.png");
    std::fs::write(&victim, b"keep").unwrap();
    let link = dir.path().join("link.png");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let cases = [
        (
            dir.path().join("missing/shot.png"),
            "en",
            "The screenshot was not saved",
        ),
        (dir.path().to_path_buf(), "zh-CN", "截图未保存"),
        (link, "en", "The screenshot was not saved"),
    ];
    for (shot, lang, said) in cases {
        let (status, stdout, stderr) = run_with_screenshot(&data, lang, &shot);
        assert!(
            !status.success(),
            "{}: exit {status}: {stdout}",
            shot.display()
        );
        assert!(stderr.contains(said), "{}: {stderr}", shot.display());
        assert!(!stdout.contains("screenshot saved"), "{stdout}");
    }
    assert_eq!(
        std::fs::read(&victim).unwrap(),
        b"keep",
        "the link's target is untouched"
    );
    assert!(!dir.path().join("missing").exists());
}
