#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Containment: policy folders, imports and templates never reach outside their root, and
//! Norma never opens a network connection.

mod common;

use std::path::Path;

use common::{norma, stderr, stdout};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[cfg(unix)]
#[test]
fn a_link_in_a_policy_folder_that_leads_outside_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::copy(root().join("examples/first_pack/chatbot_disclosure.norma"), pack.join("mine.norma")).unwrap();
    // A file outside the folder that would break the pack if it were read.
    std::fs::write(outside.join("evil.norma"), "instrument evil\n\ndefine x\n  = nowhere\n").unwrap();
    std::os::unix::fs::symlink(outside.join("evil.norma"), pack.join("evil.norma")).unwrap();
    std::os::unix::fs::symlink(&outside, pack.join("linked_dir")).unwrap();
    let o = norma(&["check", pack.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(!stdout(&o).contains("evil") && !stderr(&o).contains("evil"));
}

#[test]
fn imports_name_modules_never_paths_or_addresses() {
    for (import, found) in
        [("../../etc/passwd", "`.`"), ("/etc/passwd", "`/`"), ("\"https://example.com/x.norma\"", "`\"`")]
    {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("p.norma");
        std::fs::write(&file, format!("instrument p\n\nuse {import}\n")).unwrap();
        let o = norma(&["check", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stdout(&o).contains(&format!("expected a name, found {found}")), "{}", stdout(&o));
    }
}

#[cfg(unix)]
#[test]
fn a_template_linked_from_outside_its_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "TOP SECRET {{ 1 }}").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), templates.join("gap.md.j2")).unwrap();
    let o = norma(&[
        "assess",
        root().join("examples/cv-screening.yaml").to_str().unwrap(),
        "--format",
        "md",
        "--templates",
        templates.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("outside the templates folder"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("TOP SECRET"));
}

#[test]
fn templates_cannot_read_files_or_loop_forever() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET").unwrap();
    let facts = root().join("examples/cv-screening.yaml");
    let attempts = [
        format!("{{% include \"{}\" %}}", secret.display()),
        "{% include \"../../../../etc/passwd\" %}".to_string(),
        "{% import \"/etc/passwd\" as p %}".to_string(),
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}".to_string(),
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}".to_string(),
    ];
    for template in attempts {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gap.md.j2"), &template).unwrap();
        let start = std::time::Instant::now();
        let o =
            norma(&["assess", facts.to_str().unwrap(), "--format", "md", "--templates", dir.path().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{template}: {}", stdout(&o));
        assert!(stderr(&o).contains("the report template failed"), "{template}: {}", stderr(&o));
        assert!(!stdout(&o).contains("TOP SECRET") && !stdout(&o).contains("root:"), "{template}");
        assert!(start.elapsed().as_secs() < 20, "{template} ran for {:?}", start.elapsed());
    }
}

#[test]
fn norma_has_no_way_to_open_a_network_connection() {
    // No networking crate in the build, and no socket in the source.
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let packages: Vec<&str> = lock.lines().filter_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"')).collect();
    for net in ["reqwest", "hyper", "ureq", "curl", "isahc", "surf", "attohttpc", "h2", "rustls", "native-tls", "mio"] {
        assert!(!packages.contains(&net), "`{net}` is in Cargo.lock: Norma must not open network connections");
    }
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for socket in ["std::net", "TcpStream", "UdpSocket", "TcpListener"] {
                    assert!(!text.contains(socket), "{} uses `{socket}`", path.display());
                }
            }
        }
    }
}
