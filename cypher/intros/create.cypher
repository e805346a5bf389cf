// Record an introduction request: $by (our rep) asks $via to introduce them to $to, on the way
// to $target (for opportunity $opportunity, or none). An Ask has no base label: it is our own
// work, not a person or organisation of the graph, and never shows in searches or counts.
CREATE (a:Ask {id: $id, by: $by, via: $via, to: $to, target: $target, opportunity: $opportunity,
               status: 'asked', message: $message, created: $now, updated: $now})
