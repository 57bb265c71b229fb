import Dispatch

/// One subtree still to build: its node (pre-order index) and its items `start..<end`.
typealias SubtreeTask = (node: Int, start: Int, end: Int)

/// Builds a pre-order tree over `count` items top-down, as the k-d tree and the triangle BVH do:
/// splits serially until there are enough subtrees for every core (or they are smaller than
/// `parallelBelow`), then finishes those in parallel. `split` fills one node and returns its
/// children's tasks, or nil for a leaf; concurrent calls touch disjoint items and nodes.
func buildTree(count: Int, parallelBelow: Int, split: (SubtreeTask) -> (SubtreeTask, SubtreeTask)?) {
    guard count > 0 else { return }
    var pending: [SubtreeTask] = [(0, 0, count)]
    var subtrees = [SubtreeTask]()
    while let task = pending.popLast() {
        if task.end - task.start <= parallelBelow || subtrees.count + pending.count >= 8 * coreCount {
            subtrees.append(task)
            continue
        }
        if let (left, right) = split(task) {
            pending.append(left)
            pending.append(right)
        }
    }
    withoutActuallyEscaping(split) { split in
        let shared = UncheckedSendable(split)
        let tasks = subtrees
        DispatchQueue.concurrentPerform(iterations: tasks.count) { which in
            var stack = [tasks[which]]
            while let task = stack.popLast() {
                if let (left, right) = shared.value(task) {
                    stack.append(left)
                    stack.append(right)
                }
            }
        }
    }
}
