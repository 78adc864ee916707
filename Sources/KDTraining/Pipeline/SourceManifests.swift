import Foundation
import KDData
import KDPipeline

/// The manifest of every data source whose shards exist, read once per validation. Shards not
/// yet imported are the import's business; a manifest that exists but cannot be read is a problem.
struct SourceManifests {
    private var byName: [String: DatasetManifest] = [:]
    /// Manifests that exist but cannot be read, at their source.
    private(set) var problems: [Diagnostic] = []

    init(_ spec: PipelineSpec) {
        for source in spec.data.train + [spec.data.eval].compactMap({ $0 }) {
            let directory = URL(fileURLWithPath: source.shards)
            do {
                byName[source.name] = try DatasetManifest.read(from: directory)
            } catch
                where FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent(DatasetManifest.fileName).path)
            {
                problems.append(Diagnostic(at: source.location, keyPath: "\(source.name).shards", "\(error)"))
            } catch {}
        }
    }

    /// The manifest of `source`, if its shards exist.
    subscript(_ source: DataSourceSpec) -> DatasetManifest? { byName[source.name] }
}
