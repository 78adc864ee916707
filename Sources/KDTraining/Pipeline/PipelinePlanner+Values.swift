import KDPipeline

extension PipelinePlanner {
    // Readers of values validation has checked and filled with their schema defaults: a default
    // lives in the schema alone, so a missing or mistyped value here is a schema bug, reported at
    // the mapping that lacks it.

    static func value(_ node: YAMLValue, _ key: String) throws -> YAMLValue {
        guard let value = node[key] else {
            throw TrainingError.plan(
                node.location, "'\(key)' has no value after validation (its schema gives no default)")
        }
        return value
    }

    static func double(_ node: YAMLValue, _ key: String) throws -> Double {
        let v = try value(node, key)
        guard let number = v.double else { throw TrainingError.plan(v.location, "'\(key)' is not a number") }
        return number
    }

    static func int(_ node: YAMLValue, _ key: String) throws -> Int {
        let v = try value(node, key)
        guard let number = v.int else { throw TrainingError.plan(v.location, "'\(key)' is not an integer") }
        return number
    }

    static func bool(_ node: YAMLValue, _ key: String) throws -> Bool {
        let v = try value(node, key)
        guard let flag = v.bool else { throw TrainingError.plan(v.location, "'\(key)' is not true or false") }
        return flag
    }

    static func floats(_ node: YAMLValue, _ key: String) throws -> [Float] {
        let v = try value(node, key)
        guard let list = v.list, case let numbers = list.compactMap(\.double), numbers.count == list.count else {
            throw TrainingError.plan(v.location, "'\(key)' is not a list of numbers")
        }
        return numbers.map { Float($0) }
    }

    static func ints(_ node: YAMLValue, _ key: String) throws -> [Int] {
        let v = try value(node, key)
        guard let list = v.list, case let numbers = list.compactMap(\.int), numbers.count == list.count else {
            throw TrainingError.plan(v.location, "'\(key)' is not a list of integers")
        }
        return numbers
    }
}
