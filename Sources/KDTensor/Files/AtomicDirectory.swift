import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Crash-safe directory replacement: the new content is written into a hidden staging directory
/// beside the target, which is renamed into place only when complete; an old directory is
/// renamed aside first and removed only once the new one is in place. An interrupted write leaves
/// the old directory (or nothing) under the target name, never a half-written one. Shared by
/// datasets and teacher-store exports.
public enum AtomicDirectory {
    /// A new, empty hidden staging directory beside `target` (its parent is created if needed).
    public static func stage(beside target: URL) throws -> URL {
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(AtomicFile.temporaryName(for: target.lastPathComponent))
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw AtomicFile.WriteError(
                path: staging.path, reason: "cannot create directory: \(error.localizedDescription)")
        }
        return staging
    }

    /// Moves `staging` to `target`, replacing what is there (the caller has checked that kdflow
    /// wrote it). On failure the staging directory is removed and the old target kept.
    public static func commit(_ staging: URL, to target: URL) throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        let aside = parent.appendingPathComponent(AtomicFile.temporaryName(for: target.lastPathComponent + ".old"))
        let replacing = fm.fileExists(atPath: target.path)
        if replacing, rename(target.path, aside.path) != 0 {
            try? fm.removeItem(at: staging)
            throw AtomicFile.WriteError(path: target.path, reason: "cannot move the old directory aside")
        }
        guard rename(staging.path, target.path) == 0 else {
            if replacing { _ = rename(aside.path, target.path) }
            try? fm.removeItem(at: staging)
            throw AtomicFile.WriteError(path: target.path, reason: "cannot move the staged directory into place")
        }
        AtomicFile.syncDirectory(parent)
        if replacing { try? fm.removeItem(at: aside) }
    }
}
