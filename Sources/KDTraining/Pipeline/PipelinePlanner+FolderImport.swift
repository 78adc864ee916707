import KDData
import KDPipeline

extension PipelinePlanner {
    /// The options of an `import: {kind: folder, …}` entry (the schema has checked their types).
    static func folderOptions(_ importer: ImporterSpec, source: DataSourceSpec) throws -> FolderImporter.Options {
        var options = FolderImporter.Options(flat: importer.node["unlabeled"]?.bool ?? false)
        if let channels = importer.node["channels"] {
            guard let c = channels.int, c == 1 || c == 3 else {
                throw TrainingError.plan(channels.location, "\(source.name).import.channels: must be 1 or 3")
            }
            options.channels = c
        }
        if let size = importer.node["size"] {
            var sides = [Int]()
            if let side = size.int { sides = [side, side] }
            for element in size.list ?? [] { if let side = element.int { sides.append(side) } }
            guard sides.count == 2 else {
                throw TrainingError.plan(size.location, "\(source.name).import.size: give one side or [height, width]")
            }
            (options.height, options.width) = (sides[0], sides[1])
        }
        return options
    }
}
