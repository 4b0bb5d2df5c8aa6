//! Uploaded files on disk (`--files`), and how their types are judged.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The directory of uploaded files, and how many of them may be read out at once.
#[derive(Clone)]
pub struct Files {
    dir: Arc<PathBuf>,
    downloads: Arc<Semaphore>,
}

impl Files {
    /// Uses `dir` (created when missing, `*.part` leftovers of an earlier run removed),
    /// serving at most `max_downloads` files at a time.
    pub fn open(dir: &Path, max_downloads: usize) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        remove_partial_uploads(dir)?;
        Ok(Self {
            dir: Arc::new(dir.to_owned()),
            downloads: Arc::new(Semaphore::new(max_downloads.max(1))),
        })
    }

    /// Where the bytes of attachment `id` live.
    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    /// Where an upload of attachment `id` is written until it is complete.
    pub fn part_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.part"))
    }

    /// Removes the bytes of attachment `id`; a file already gone is fine.
    pub async fn remove(&self, id: &str) {
        if let Err(error) = tokio::fs::remove_file(self.path(id)).await {
            if error.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(%error, id, "could not remove an attachment file");
            }
        }
    }

    /// A place among the downloads in progress, or `None` when all are taken; the place is
    /// given back when the permit is dropped (when the body is sent or abandoned).
    pub fn download_permit(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.downloads).try_acquire_owned().ok()
    }
}

/// Removes `*.part` files: uploads cut off by a lost connection in an earlier run.
fn remove_partial_uploads(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "part") {
            std::fs::remove_file(path)?;
        }
    }
    Ok(())
}

/// A file name safe to store and show: its last path component, no control characters,
/// at most 255 characters.
pub fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn guess_from_name(filename: &str) -> Option<&'static str> {
    let extension = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => return None,
    })
}

/// The MIME type to store: the uploader's when well formed (parameters dropped), else
/// guessed from the file name, else `application/octet-stream`.
pub fn clean_content_type(declared: Option<&str>, filename: &str) -> String {
    let essence = declared
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
        .filter(|value| {
            let token = |part: &str| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
            };
            value.len() <= 127
                && value
                    .split_once('/')
                    .is_some_and(|(a, b)| token(a) && token(b))
        })
        .filter(|value| value != "application/octet-stream");
    essence
        .or_else(|| guess_from_name(filename).map(str::to_owned))
        .unwrap_or_else(|| "application/octet-stream".to_owned())
}

/// True for types a browser may show inline on our origin: raster images, PDF, plain text.
pub fn is_inline_safe(file_type: &str) -> bool {
    matches!(
        file_type,
        "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/avif"
            | "application/pdf"
            | "text/plain"
    )
}
