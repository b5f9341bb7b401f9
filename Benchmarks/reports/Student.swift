import Foundation
import QianxueCore
import NIOCore
import NIOHTTP1

/// The parts of an attempt's view the load reads.
struct AttemptView: Decodable {
    struct Item: Decodable {
        struct Option: Decodable { let id: String }
        let id: String
        let type: String
        let options: [Option]?
    }
    let id: String
    let status: String
    let item: Item?
}

extension SeededRandom {
    /// A number in 0..<n (the answers a student gives; one generator per student).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// What the load measured, kept on the event loop.
final class Tally: @unchecked Sendable {
    var answerMs: [Double] = []
    var startMs: [Double] = []
    /// How late each request left against the moment it was due, when the student was idle by
    /// then: the load generator's own delay (its loop busy, or no core for it).
    var sendLagMs: [Double] = []
    /// Per second of the run (by due time): answers, and those over 50 ms.
    var perSecond: [Int: (answers: Int, slow: Int)] = [:]
    /// Per second of the run (by when the answer came back): attempts finished and started — to see
    /// whether slow seconds are the ones where many students' tests end and begin together.
    var turnovers: [Int: (finished: Int, started: Int)] = [:]
    var errors: [String] = []
    var starts = 0
    var finished = 0
}

/// One student of the open loop: answers the item their test waits on once every `interval`
/// seconds from their staggered first due time, starting a test first when they have none; all of
/// it on one event loop, without a task per request.
final class Student: @unchecked Sendable {
    let token: String
    let connection: StudentConnection
    let tally: Tally
    let interval: Int64
    /// Exponential gaps between answers (mean `interval`) instead of exactly `interval`.
    let poisson: Bool
    /// Draws the gaps; apart from `rng`, so that the answers given are the same in both pacings.
    var pace: SeededRandom
    let t0: Int64
    let end: Int64
    let done: () -> Void
    var rng: SeededRandom
    var due: Int64
    var attempt: String?
    var item: AttemptView.Item?
    let decoder = JSONDecoder()

    init(index: Int, count: Int, token: String, connection: StudentConnection, tally: Tally, interval: Int64, poisson: Bool,
         t0: Int64, end: Int64, done: @escaping () -> Void) {
        self.token = token
        self.connection = connection
        self.tally = tally
        self.interval = interval
        self.poisson = poisson
        self.pace = SeededRandom(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 7)
        self.t0 = t0
        self.end = end
        self.done = done
        self.rng = SeededRandom(seed: UInt64(index) &* 0x2545_F491_4F6C_DD1D &+ 1)
        self.due = t0 + interval * Int64(index) / Int64(count)
    }

    static func now() -> Int64 { Int64(NIODeadline.now().uptimeNanoseconds) }

    /// Waits for the next due time (if it is still ahead), then takes the step.
    func schedule() {
        guard due < end else { return done() }
        let loop = connection.loop
        if due > Self.now() {
            loop.scheduleTask(deadline: .uptimeNanoseconds(UInt64(due))) {
                self.tally.sendLagMs.append(Double(Self.now() - self.due) / 1e6)
                self.step()
            }
        } else {
            loop.execute { self.step() }
        }
    }

    /// The second of the run an instant falls in.
    private func second(_ t: Int64) -> Int { Int((t - t0) / 1_000_000_000) }

    private func next() {
        if poisson {
            // 1 − u in (0, 1]: never log(0).
            let u = 1 - Double(pace.next() >> 11) / Double(1 << 53)
            due += Int64(-log(u) * Double(interval))
        } else {
            due += interval
        }
        schedule()
    }

    private func step() {
        guard let attempt, let item else { return start() }
        let sent = connection.send(method: .POST, path: "/v1/assessment/attempts/\(attempt)/responses", token: token, body: answer(item))
        sent.whenComplete { result in
            let doneAt = Self.now()
            switch result {
            case .failure(let e): self.broken(e)
            case .success(let r) where r.status != 200:
                self.tally.errors.append("answer \(r.status) \(String(buffer: r.body).prefix(160))")
                self.attempt = nil
            case .success(let r):
                let ms = Double(doneAt - self.due) / 1e6
                self.tally.answerMs.append(ms)
                let second = self.second(self.due)
                var s = self.tally.perSecond[second] ?? (0, 0)
                s.answers += 1
                if ms > 50 { s.slow += 1 }
                self.tally.perSecond[second] = s
                do {
                    let view = try self.decoder.decode(AttemptView.self, from: Data(r.body.readableBytesView))
                    if view.status == "finished" {
                        self.tally.finished += 1
                        self.tally.turnovers[self.second(doneAt), default: (0, 0)].finished += 1
                        self.attempt = nil
                        self.item = nil
                    } else {
                        self.item = view.item
                    }
                } catch { self.broken(error) }
            }
            self.next()
        }
    }

    private func start() {
        let startedAt = Self.now()
        connection.send(method: .POST, path: "/v1/assessment/attempts", token: token, body: ByteBuffer(string: #"{"kind":"adaptive"}"#))
            .whenComplete { result in
                switch result {
                case .failure(let e):
                    self.broken(e)
                    self.next()
                case .success(let r):
                    self.tally.startMs.append(Double(Self.now() - startedAt) / 1e6)
                    guard r.status == 200 || r.status == 201 else {
                        self.tally.errors.append("start \(r.status) \(String(buffer: r.body).prefix(160))")
                        return self.next()
                    }
                    guard let view = try? self.decoder.decode(AttemptView.self, from: Data(r.body.readableBytesView)) else {
                        self.tally.errors.append("start: an answer that is not an attempt")
                        return self.next()
                    }
                    self.tally.starts += 1
                    self.tally.turnovers[self.second(Self.now()), default: (0, 0)].started += 1
                    guard view.status != "finished", let item = view.item else {
                        self.attempt = nil
                        return self.next()
                    }
                    self.attempt = view.id
                    self.item = item
                    self.step()
                }
            }
    }

    /// A broken connection counts as an error; the student goes on with a new one.
    private func broken(_ error: any Error) {
        tally.errors.append("\(type(of: error)): \(error)")
        connection.reset()
        attempt = nil
        item = nil
    }

    /// A random answer of the item's type, as answers.py gives.
    private func answer(_ item: AttemptView.Item) -> ByteBuffer {
        let options = (item.options ?? []).map(\.id)
        var body: [String: Any] = ["itemId": item.id]
        switch item.type {
        case "single" where !options.isEmpty:
            body["choice"] = options[rng.below(options.count)]
        case "multiple" where !options.isEmpty:
            var shuffled = options
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, rng.below(i + 1)) }
            body["choices"] = Array(shuffled.prefix(1 + rng.below(options.count))).sorted()
        case "ordering":
            var order = options
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }
            body["order"] = order
        default:
            body["text"] = "我认为人工智能要由人来把关。"
        }
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return ByteBuffer(bytes: data)
    }
}
