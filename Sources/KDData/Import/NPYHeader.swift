/// The fields of a `.npy` header dictionary, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 28, 28), }`.
struct NPYHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// Parses the dictionary literal; `offset` is where the header starts in the file.
    static func parse(_ text: String, file: String, offset: Int) throws -> NPYHeader {
        func fail(_ reason: String) -> DataError {
            DataError.corrupt(file: file, offset: offset, reason: "npy header: \(reason)")
        }
        func value(after key: String) throws -> Substring {
            guard let k = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\""),
                let colon = text[k.upperBound...].firstIndex(of: ":")
            else { throw fail("no '\(key)'") }
            return text[text.index(after: colon)...].drop { $0 == " " }
        }
        let descrValue = try value(after: "descr")
        guard let quote = descrValue.first, quote == "'" || quote == "\"",
            let end = descrValue.dropFirst().firstIndex(of: quote)
        else { throw fail("bad 'descr'") }
        let descr = String(descrValue[descrValue.index(after: descrValue.startIndex)..<end])

        let fortranValue = try value(after: "fortran_order")
        let fortran: Bool
        if fortranValue.hasPrefix("False") {
            fortran = false
        } else if fortranValue.hasPrefix("True") {
            fortran = true
        } else {
            throw fail("bad 'fortran_order'")
        }

        let shapeValue = try value(after: "shape")
        guard shapeValue.first == "(", let close = shapeValue.firstIndex(of: ")") else { throw fail("bad 'shape'") }
        var shape = [Int]()
        for part in shapeValue[shapeValue.index(after: shapeValue.startIndex)..<close].split(separator: ",") {
            let trimmed = part.trimming(" L")
            if trimmed.isEmpty { continue }
            guard let d = Int(trimmed), d >= 0 else { throw fail("bad dimension '\(part)'") }
            shape.append(d)
        }
        return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }
}
