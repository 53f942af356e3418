import Foundation

/// Files shipped in `Resources/`: templates, the stylesheet, the seed petition, the country list.
enum BundledResources {
    static let directory: URL = {
        let candidates = [Bundle.module.resourceURL, Bundle.module.bundleURL.appendingPathComponent("Resources")]
            .compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("templates").path) }
            ?? candidates[0]
    }()

    static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }
}
