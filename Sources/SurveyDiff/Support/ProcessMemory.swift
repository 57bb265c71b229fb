import CProcessMemory

/// Process-wide memory housekeeping for large comparisons.
public enum ProcessMemory {
    /// Gives freed heap pages back to the system. glibc keeps blocks it served from the heap
    /// once freed (it raises its mapping threshold each time a mapped block is freed, up to
    /// 32 MiB), so columns and trees of a finished stage would stay resident under the next
    /// stage's peak: 12 MiB of them when M3C2 on two million-point scans began. Called between
    /// stages; a lower mapping threshold instead would cost a fresh mapping per large block
    /// (ICP's per-iteration arrays: 1.15 → 1.5 s).
    public static func releaseFreedMemory() {
        _ = heritage_release_free_memory()
    }
}
