import ArgumentParser

/// `--size H[xW]`: an image size, square when one side is given.
struct ImageSize: ExpressibleByArgument {
    let height: Int
    let width: Int

    init?(argument: String) {
        let sides = argument.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(sides.count), let h = sides[0], let w = sides.last!, h > 0, w > 0 else { return nil }
        (height, width) = (h, w)
    }
}

/// `--channels 1|3`: grey or RGB.
enum ImageChannels: Int, ExpressibleByArgument, CaseIterable {
    case grey = 1, rgb = 3
}
