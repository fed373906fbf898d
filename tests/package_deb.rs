//! The Debian package, as a user gets it: `cargo deb` builds it from
//! Cargo.toml's `[package.metadata.deb]`; the desktop entry and the
//! AppStream metainfo pass their validators; it unpacks into an empty root
//! with the binary, entry, icons and metainfo where the desktop looks; the
//! packaged binary starts under Xvfb with a data dir (screenshot saved,
//! journal written, exit 0); its window carries the app id and the icon.
//!
//! Needs cargo-deb (`cargo install --locked cargo-deb`), desktop-file-utils,
//! appstream, xvfb, xdotool and x11-utils: `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const APP_ID: &str = "io.github.cardguard.CardGuard";

#[track_caller]
fn run(cmd: &mut Command) -> Output {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{shown}: cannot start ({e}); see .ci/run for what to install"));
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Builds the package into `dir` and returns its path.
fn build_package(dir: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(&cargo)
        .args(["deb", "--output"])
        .arg(dir)
        .current_dir(env!("CARGO_MANIFEST_DIR")));
    let debs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    assert_eq!(debs.len(), 1, "one package: {debs:?}");
    debs[0].clone()
}

#[test]
fn the_package_validates_unpacks_and_runs_from_an_empty_root() {
    let work = tempfile::tempdir().unwrap();
    let deb = build_package(work.path());

    // What the package says it needs: the libraries loaded at run time.
    let depends = text(&run(Command::new("dpkg-deb")
        .args(["-f"])
        .arg(&deb)
        .arg("Depends")));
    for lib in [
        "libc6",
        "libgcc-s1",
        "libx11-6",
        "libxkbcommon0",
        "libxkbcommon-x11-0",
        "libegl1 | libgl1",
    ] {
        assert!(depends.contains(lib), "Depends lacks {lib}: {depends}");
    }

    // Unpacked into an empty root, everything is where the desktop looks.
    let root = work.path().join("root");
    std::fs::create_dir(&root).unwrap();
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root));
    let exe = root.join("usr/bin/cardguard");
    let desktop = root.join(format!("usr/share/applications/{APP_ID}.desktop"));
    let metainfo = root.join(format!("usr/share/metainfo/{APP_ID}.metainfo.xml"));
    let mut wanted = vec![exe.clone(), desktop.clone(), metainfo.clone()];
    for size in [16, 32, 48, 64, 128, 256] {
        wanted.push(root.join(format!(
            "usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        )));
    }
    wanted.push(root.join(format!(
        "usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg"
    )));
    for f in &wanted {
        assert!(f.is_file(), "missing from the package: {}", f.display());
    }

    // The validators, as a distribution's would run them.
    run(Command::new("desktop-file-validate").arg(&desktop));
    run(Command::new("appstreamcli")
        .args(["validate", "--no-net"])
        .arg(&metainfo));
    let entry = std::fs::read_to_string(&desktop).unwrap();
    for line in [
        format!("Icon={APP_ID}"),
        format!("StartupWMClass={APP_ID}"),
        "Exec=cardguard".to_owned(),
        "Name[zh_CN]=卡密守护".to_owned(),
    ] {
        assert!(
            entry.lines().any(|l| l == line),
            "desktop entry lacks {line}"
        );
    }
    let meta = std::fs::read_to_string(&metainfo).unwrap();
    assert!(meta.contains(&format!("<id>{APP_ID}</id>")));
    assert!(meta.contains(&format!("{APP_ID}.desktop</launchable>")));
    // Its screenshots are the README's gallery (by name: the files exist).
    for shot in meta.split("<image>").skip(1) {
        let name = shot
            .split("</image>")
            .next()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        let local = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/gallery")
            .join(name);
        assert!(
            local.is_file(),
            "metainfo screenshot {name} is not in docs/gallery"
        );
    }

    // The packaged binary, once, in a real (virtual) window.
    let data = work.path().join("data");
    let shot = work.path().join("shot.png");
    run(Command::new("xvfb-run")
        .args(["-a", "-n", "240", "-s", "-screen 0 1280x800x24"])
        .arg(&exe)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "--lang",
            "zh-CN",
            "--window-size",
            "900x640",
            "--screenshot",
        ])
        .arg(&shot));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
    let journal = std::fs::read_to_string(data.join("journal.jsonl")).unwrap();
    assert!(journal.contains("\"kind\":\"app_started\""), "{journal}");

    // Its window names itself as the entry does and carries the icon.
    let probe = format!(
        r#"set -e
"$0" --data-dir "$1" & app=$!
trap 'kill $app 2>/dev/null || true' EXIT
w=$(timeout 60 xdotool search --sync --class '{APP_ID}' | head -n 1)
xprop -id "$w" WM_CLASS
# The icon is set just after the window maps: wait for it (up to 30 s).
for i in $(seq 150); do
  xprop -id "$w" _NET_WM_ICON | grep -q 'Icon (' && break
  sleep 0.2
done
xprop -id "$w" _NET_WM_ICON | head -n 2
"#
    );
    let seen = text(&run(Command::new("xvfb-run")
        .args([
            "-a",
            "-n",
            "250",
            "-s",
            "-screen 0 1280x800x24",
            "sh",
            "-c",
            &probe,
        ])
        .arg(&exe)
        .arg(work.path().join("data2"))));
    assert!(
        seen.contains(&format!("WM_CLASS(STRING) = \"\", \"{APP_ID}\"")),
        "{seen}"
    );
    assert!(seen.contains("Icon (128 x 128)"), "{seen}");
}
