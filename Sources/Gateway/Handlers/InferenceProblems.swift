import Inference
import QianxueCore

/// The inference path's refusals and failures as problems of the catalogue.
enum InferenceProblems {
    static func appError(_ error: any Error) -> AppError? {
        switch error {
        case let e as ChatRefusal:
            switch e {
            case .tooLong: return AppError(.payloadTooLarge, e.description)
            case .empty: return AppError(.validation, e.description, fields: ["messages"])
            case .invalidTokens: return AppError(.validation, e.description, fields: ["maxCompletionTokens"])
            }
        case let e as SchedulerError:
            switch e {
            case .overloaded(let retry): return AppError(.overloaded, e.description, retryAfter: retry)
            case .streamInProgress: return AppError(.rateLimited, e.description, retryAfter: 2)
            }
        case let e as QuotaExceeded:
            return AppError(.quotaExceeded, e.description, retryAfter: e.retryAfter)
        case let e as InferenceError:
            return AppError(.inferenceUnavailable, e.description)
        default:
            return nil
        }
    }
}
