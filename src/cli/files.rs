//! Reading policy files from disk and writing files atomically.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use norma::diagnostics::{Code, Diagnostic};
use norma::source::Sources;

/// The result of reading input: a diagnostic (boxed, it is large) when the input is unusable.
pub type Loaded<T> = Result<T, Box<Diagnostic>>;

fn fail(code: Code, message: String) -> Box<Diagnostic> {
    Box::new(Diagnostic::general(code, message))
}

/// Every `.norma` file under `paths` (files as given, folders walked in name order). Links that
/// lead outside the folder being walked are skipped, so a policy set never reaches beyond its root.
pub fn policy_files(paths: &[PathBuf]) -> Loaded<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta =
            fs::metadata(p).map_err(|e| fail(Code::Unreadable, format!("cannot read `{}`: {e}", p.display())))?;
        if meta.is_dir() {
            let root = fs::canonicalize(p)
                .map_err(|e| fail(Code::Unreadable, format!("cannot read `{}`: {e}", p.display())))?;
            walk(p, &root, 0, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    let max = super::limits().files;
    if out.len() > max {
        return Err(fail(
            Code::TooLarge,
            format!(
                "{} policy files were found; at most {max} are read in one run (raise the limit: `--limit files=N`)",
                out.len()
            ),
        ));
    }
    Ok(out)
}

const MAX_DEPTH: usize = 32;

fn walk(dir: &Path, root: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Loaded<()> {
    if depth > MAX_DEPTH {
        return Err(fail(
            Code::TooDeep,
            format!("folders below `{}` are nested more than {MAX_DEPTH} levels deep", root.display()),
        ));
    }
    let entries =
        fs::read_dir(dir).map_err(|e| fail(Code::Unreadable, format!("cannot read `{}`: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.') || n == "target");
        if hidden {
            continue;
        }
        // Stay inside the root: a link pointing elsewhere is not followed.
        let Ok(real) = fs::canonicalize(&p) else { continue };
        if !real.starts_with(root) {
            continue;
        }
        if real.is_dir() {
            walk(&p, root, depth + 1, out)?;
        } else if p.extension().is_some_and(|e| e == "norma") {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads `files` into `sources`; a file that is unreadable, too large or not UTF-8 is an error.
pub fn read_into(sources: &mut Sources, files: &[PathBuf]) -> Loaded<()> {
    for f in files {
        let unreadable = |why: String| fail(Code::Unreadable, format!("cannot read `{}`: {why}", f.display()));
        let meta = fs::metadata(f).map_err(|e| unreadable(e.to_string()))?;
        let max = super::limits().file_bytes;
        if meta.len() > max as u64 {
            return Err(fail(
                Code::TooLarge,
                format!(
                    "`{}` is {} bytes; policy files are limited to {max} bytes (raise the limit: `--limit file-bytes=N`)",
                    f.display(),
                    meta.len()
                ),
            ));
        }
        let bytes = fs::read(f).map_err(|e| unreadable(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
        sources.add(f.display().to_string(), without_bom(text));
    }
    Ok(())
}

/// The facts files of a portfolio run: each file as given, and the `*.yaml` and `*.yml` files of
/// each folder (not of its subfolders; hidden files skipped), in path order. A folder without
/// any is an error; a file that does not exist is left for the run to report.
pub fn facts_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let entries = fs::read_dir(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| {
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or(".");
                let yaml = f.extension().and_then(|e| e.to_str()).is_some_and(|e| e == "yaml" || e == "yml");
                yaml && !name.starts_with('.') && f.is_file()
            })
            .collect();
        if found.is_empty() {
            return Err(format!("`{}` holds no facts files (`*.yaml`, `*.yml`)", p.display()));
        }
        found.sort();
        out.extend(found);
    }
    let max = super::limits().facts_files;
    if out.len() > max {
        return Err(format!(
            "{} facts files were given; at most {max} are assessed in one run (raise the limit: `--limit facts-files=N`)",
            out.len()
        ));
    }
    Ok(out)
}

/// `text` without the byte-order mark some editors put at the start of UTF-8 files.
pub fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// Writes `contents` to `path` through a temporary file in the same folder that is renamed into
/// place, so an interrupted write leaves the previous file intact.
pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    write_atomic_bytes(path, contents.as_bytes())
}

/// [`write_atomic`] for bytes (a binary file such as an XLSX workbook).
pub fn write_atomic_bytes(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |file| file.write_all(contents))
}

/// Writes `path` atomically with `write`: into a temporary file in the same folder, flushed to
/// disk, then renamed over `path` (keeping its permissions). If `write`, the flush or the rename
/// fails, the temporary file is removed and `path` keeps its previous contents; a kill midway
/// leaves at most a stray temporary file (`.tmp…`), never a half-written `path`.
pub fn write_atomic_with(path: &Path, write: impl FnOnce(&mut fs::File) -> std::io::Result<()>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    write(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable once the folder is flushed (not possible on every system).
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{write_atomic, write_atomic_with};
    use std::io::Write;

    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_write_that_fails_halfway_leaves_the_previous_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        std::fs::write(&path, b"previous report").unwrap();
        let failed = write_atomic_with(&path, |f| {
            f.write_all(b"<html>half of the new rep")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"previous report");
        assert_eq!(names(dir.path()), ["report.html"], "the temporary file is removed");
    }

    #[test]
    fn a_rename_that_fails_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("kept.txt"), b"kept").unwrap();
        assert!(write_atomic(&target, "new").is_err());
        assert_eq!(std::fs::read(target.join("kept.txt")).unwrap(), b"kept");
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_write_replaces_the_file_and_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("facts.yaml");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, "new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(names(dir.path()), ["facts.yaml"]);
    }
}
