/// An Aho–Corasick automaton over Unicode scalars: finds every occurrence of many terms in one
/// pass, and tells how much of the end of a text could still grow into a term — what a stream must
/// hold back so that a term split across chunks is never half released.
struct TermAutomaton: Sendable {
    /// One occurrence: which term, and where (scalar offsets, end exclusive).
    struct Hit: Sendable, Hashable {
        let term: Int
        let start: Int
        let end: Int
    }

    // the trie's edges, sorted by scalar within each node: node n's edges are edgeStart[n]..<edgeStart[n+1]
    private var edgeStart: [Int32] = []
    private var edgeValue: [UInt32] = []
    private var edgeTarget: [Int32] = []
    private var fail: [Int32] = [0]
    private var depth: [Int32] = [0]
    /// Terms ending at a node, including those reached through its failure links.
    private var output: [[Int32]] = [[]]
    /// The length in scalars of each term.
    private(set) var lengths: [Int] = []

    init(_ terms: [[Unicode.Scalar]]) {
        var edges: [[UInt32: Int32]] = [[:]]
        for (id, term) in terms.enumerated() {
            lengths.append(term.count)
            guard !term.isEmpty else { continue }
            var node = 0
            for s in term {
                if let n = edges[node][s.value] {
                    node = Int(n)
                } else {
                    edges.append([:])
                    fail.append(0)
                    depth.append(depth[node] + 1)
                    output.append([])
                    let n = edges.count - 1
                    edges[node][s.value] = Int32(n)
                    node = n
                }
            }
            output[node].append(Int32(id))
        }
        // breadth-first: a node's failure link is the longest proper suffix that is also a prefix
        var queue: [Int] = edges[0].values.map { Int($0) }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for (value, child) in edges[node] {
                let c = Int(child)
                queue.append(c)
                var f = Int(fail[node])
                while f != 0 && edges[f][value] == nil { f = Int(fail[f]) }
                if node != 0, let target = edges[f][value] { fail[c] = target } else { fail[c] = 0 }
                output[c].append(contentsOf: output[Int(fail[c])])
            }
        }
        for node in edges {
            edgeStart.append(Int32(edgeValue.count))
            for (value, target) in node.sorted(by: { $0.key < $1.key }) {
                edgeValue.append(value)
                edgeTarget.append(target)
            }
        }
        edgeStart.append(Int32(edgeValue.count))
    }

    var isEmpty: Bool { edgeValue.isEmpty }

    /// Reports every occurrence in `text` to `hit` and returns the length of the longest suffix of
    /// `text` that is the beginning of some term.
    @discardableResult
    func scan(_ text: [Unicode.Scalar], _ hit: (Hit) -> Void) -> Int {
        var node = 0
        for (i, s) in text.enumerated() {
            node = step(node, s.value)
            for term in output[node] {
                let t = Int(term)
                hit(Hit(term: t, start: i + 1 - lengths[t], end: i + 1))
            }
        }
        return Int(depth[node])
    }

    private func step(_ from: Int, _ value: UInt32) -> Int {
        var node = from
        while true {
            if let next = edge(node, value) { return next }
            if node == 0 { return 0 }
            node = Int(fail[node])
        }
    }

    private func edge(_ node: Int, _ value: UInt32) -> Int? {
        var low = Int(edgeStart[node]), high = Int(edgeStart[node + 1])
        while low < high {
            let mid = (low + high) / 2
            let v = edgeValue[mid]
            if v == value { return Int(edgeTarget[mid]) }
            if v < value { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}
