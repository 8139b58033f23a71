// Where each app keeps the core's local store: a folder of its own in Application Support,
// which iOS keeps across launches and never shows the user.
import Foundation

public enum LocalFiles {
    /// `Application Support/Giliran/<name>`; the core creates it on first use.
    public static func directory(named name: String) throws -> URL {
        let support = try FileManager.default.url(
            for: .applicationSupportDirectory,
            in: .userDomainMask,
            appropriateFor: nil,
            create: true
        )
        return support
            .appendingPathComponent("Giliran", isDirectory: true)
            .appendingPathComponent(name, isDirectory: true)
    }
}
