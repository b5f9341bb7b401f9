import Inference
@preconcurrency import Prometheus

/// The inference path's series, brought up to date when `/metrics` is scraped: queue depth by
/// class, requests in flight, the breaker, first-token latency quantiles (gauges), and requests by
/// outcome and tokens (counters, advanced by what happened since the last scrape).
extension GatewayMetrics {
    func updateInference(_ runtime: InferenceRuntime) async {
        let service = runtime.service
        let snapshot = await service.scheduler.snapshot
        for (priority, name) in [(InferenceTicket.Priority.teacherInteractive, "teacher"), (.studentInteractive, "student"), (.batch, "batch")] {
            registry.makeGauge(name: "qianxue_inference_queue_depth", labels: [("class", name)],
                               help: "Requests waiting for a slot of the inference endpoint, by priority class")
                .set(Double(snapshot.queued[priority] ?? 0))
        }
        registry.makeGauge(name: "qianxue_inference_in_flight", labels: [], help: "Requests holding a slot of the inference endpoint")
            .set(Double(snapshot.inFlight))
        registry.makeGauge(name: "qianxue_inference_slots", labels: [], help: "Slots of the inference endpoint this instance uses")
            .set(Double(snapshot.slots))
        let breaker: Double = switch runtime.breaker?.state { case .open?: 1; case .halfOpen?: 0.5; default: 0 }
        registry.makeGauge(name: "qianxue_inference_breaker_open", labels: [],
                           help: "The endpoint's circuit breaker: 0 closed, 0.5 half-open, 1 open (the offline provider answers)")
            .set(breaker)
        for q in [0.5, 0.95] {
            registry.makeGauge(name: "qianxue_inference_first_token_seconds", labels: [("quantile", String(q))],
                               help: "Time to the first text of an answer over the last 1,024 answers")
                .set((service.firstTokens.quantile(q) ?? 0) / 1000)
        }
        let totals = service.counters.current
        let last = inferenceExported.withLock { exported -> InferenceCounters.Totals in
            let previous = exported
            exported = totals
            return previous
        }
        for outcome in [LedgerEntry.Outcome.completed, .stopped, .refused, .failed, .cancelled] {
            let delta = (totals.requests[outcome] ?? 0) - (last.requests[outcome] ?? 0)
            let counter = registry.makeCounter(name: "qianxue_inference_requests_total", labels: [("outcome", outcome.rawValue)],
                                               help: "Requests through the inference path by outcome")
            if delta > 0 { counter.increment(by: Int64(delta)) }
        }
        for (direction, now, before) in [("prompt", totals.promptTokens, last.promptTokens), ("completion", totals.completionTokens, last.completionTokens)] {
            let counter = registry.makeCounter(name: "qianxue_inference_tokens_total", labels: [("direction", direction)],
                                               help: "Tokens used through the inference path")
            if now > before { counter.increment(by: Int64(now - before)) }
        }
        let moderation = registry.makeCounter(name: "qianxue_inference_moderation_failures_total", labels: [],
                                              help: "Input the external moderation endpoint could not check (the shipped screen's verdict stood)")
        if totals.moderationFailures > last.moderationFailures { moderation.increment(by: Int64(totals.moderationFailures - last.moderationFailures)) }
    }
}
