//! SQLite on a small disk that fills up and is freed again: writes fail in their
//! envelopes while it is full, health says `disk full`, and once space is back every
//! kind of write works again without a restart — the DingTalk create too, whose
//! transaction used to find the writer's connection stuck "inside" the transaction
//! SQLite had already ended (`begin_with at non-zero transaction depth`).

#[cfg(mount_tests)]
use std::{io::Write, path::Path, process::Command};

#[cfg(mount_tests)]
use super::*;

/// A tmpfs of `size` mounted on a fresh directory, unmounted when dropped.
#[cfg(mount_tests)]
struct SmallDisk {
    dir: tempfile::TempDir,
}

#[cfg(mount_tests)]
impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let dir = tempfile::tempdir().expect("a directory to mount on");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "mounting a tmpfs failed (root with CAP_SYS_ADMIN was found at build time)"
        );
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the disk to the last byte with a file of its own.
    fn fill(&self) {
        let mut filler =
            std::fs::File::create(self.path().join("filler")).expect("create the filler");
        let block = vec![0u8; 64 * 1024];
        while filler.write_all(&block).is_ok() {}
        let byte = [0u8; 1];
        while filler.write_all(&byte).is_ok() {}
        let _ = filler.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.path().join("filler")).expect("remove the filler");
    }
}

#[cfg(mount_tests)]
impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(mount_tests),
    ignore = "mounts a size-limited tmpfs: needs a build and run as root with CAP_SYS_ADMIN"
)]
async fn sqlite_disk_full_then_freed() {
    #[cfg(mount_tests)]
    disk_full_then_freed().await;
}

#[cfg(mount_tests)]
async fn disk_full_then_freed() {
    let disk = SmallDisk::mount("8m");
    let url = format!("sqlite://{}", disk.path().join("crm.db").display());
    let database = TestDatabase::Borrowed { url: url.clone() };
    let app = TestApp::spawn_on(database, Backend::Sqlite, |config| {
        config.request_timeout = REQUEST_TIMEOUT;
    })
    .await;
    let mut ledger = Ledger::new(&app).await;
    assert_eq!(
        ledger.round().await,
        3,
        "before the fault every write succeeds"
    );

    disk.fill();
    // Writes fail, each in its envelope, as soon as one needs a page the disk cannot
    // give (a write may still fit in space the log already holds).
    let mut rounds = 0;
    while ledger.round().await > 0 {
        rounds += 1;
        assert!(rounds < 500, "writes kept succeeding on a full disk");
    }
    let health = health_becomes(&app, 503).await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["database"], "sqlite", "{health}");
    assert_eq!(health["problem"], "disk full", "{health}");
    assert_eq!(app.get("/_emulator/live").await.status(), 200);

    disk.free();
    let took = ledger.until_healed().await;
    println!("disk full: healed {took:?} after space was freed");
    health_becomes(&app, 200).await;
    for _ in 0..3 {
        assert_eq!(ledger.round().await, 3, "a write failed after healing");
    }
    ledger.verify(&url).await;
    drop(app);
}
