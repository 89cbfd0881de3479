@preconcurrency import CNCurses
import Foundation

/// The terminal loop: read every waiting key, apply it, pick up streamed output, and draw a frame only when
/// something changed (at most ~30 frames a second while a run streams). Between rounds it sleeps until a key or
/// a job's event arrives (`EventQueue`'s wake pipe), so an idle workbench costs almost nothing.
@MainActor
public enum WorkbenchLoop {
    /// Runs the workbench in the terminal until the user quits; restores the terminal on every way out.
    public static func run(_ workbench: Workbench) async {
        let screen = CursesScreen()
        screen.start()
        if !screen.hasColor { workbench.app.theme.usesColor = false }
        workbench.app.theme.basicColorsOnly = screen.basicColorsOnly
        installCrashHandlers()
        let hangup = HangupWatcher {
            workbench.writeRecovery()
            screen.stop()
            exit(129)
        }
        workbench.externalEditor = { url in
            screen.suspend {
                let environment = ProcessInfo.processInfo.environment
                let editor =
                    environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["EDITOR"].flatMap {
                        $0.isEmpty ? nil : $0
                    } ?? "vi"
                runInTerminal("\(editor) \(shellQuoted(url.path))")
            }
        }
        workbench.externalPager = { url, line in
            screen.suspend {
                let pager = ProcessInfo.processInfo.environment["PAGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "less"
                // Pagers that take +LINE start there; others just open the file.
                let name =
                    (pager.split(separator: " ").first.map(String.init).map { ($0 as NSString).lastPathComponent })
                    ?? ""
                let startsAtLine = ["less", "most", "vi", "vim", "nvim", "view", "nano"].contains(name)
                runInTerminal(
                    startsAtLine ? "\(pager) +\(line) \(shellQuoted(url.path))" : "\(pager) \(shellQuoted(url.path))")
            }
        }
        var size = screen.size
        var layout = Layout.make(width: size.width, height: size.height)
        workbench.resize(to: layout)
        var dirty = true
        var started = false
        var lastFrame = Date.distantPast
        var lastRecovery = Date()
        var lastFollow = Date()
        while !workbench.shouldQuit {
            while let key = screen.readKey() {
                if key == .resize {
                    screen.invalidate()
                    size = screen.size
                    layout = Layout.make(width: size.width, height: size.height)
                    workbench.resize(to: layout)
                }
                workbench.handle(key, layout: layout)
                dirty = true
                if workbench.shouldQuit { break }
            }
            if workbench.shouldQuit { break }
            if workbench.applyEvents() { dirty = true }
            let now = Date()
            let streaming = workbench.isRunning
            if dirty && (!streaming || now.timeIntervalSince(lastFrame) >= 0.033)
                || streaming && now.timeIntervalSince(lastFrame) >= 0.25
            {
                if screen.size != size {
                    size = screen.size
                    layout = Layout.make(width: size.width, height: size.height)
                    workbench.resize(to: layout)
                }
                let (canvas, cursor) = workbench.render(width: size.width, height: size.height, now: now)
                screen.draw(canvas, cursor: cursor)
                dirty = false
                lastFrame = now
            }
            if !started {
                // The first frame is on screen: now what it did not need (index, eval cases, the advisor).
                started = true
                workbench.finishStartup(background: true)
                dirty = true
                continue
            }
            if now.timeIntervalSince(lastRecovery) > 2 {
                workbench.writeRecovery()
                lastRecovery = now
            }
            if now.timeIntervalSince(lastFollow) >= 1 {
                // What it found (a run, a reloaded prompt, a message) is drawn now; nothing found, no frame.
                if workbench.followOtherProcesses() { dirty = true }
                lastFollow = now
            }
            // Wait for a key or a job's event. A frame still owed (output came faster than 30 frames a second)
            // waits only until it is due, and a streaming run is redrawn every 250 ms for its elapsed time; the
            // idle timeout keeps the recovery file and a resize (SIGWINCH reaches curses, not the poll) within a
            // fraction of a second.
            await waitForInputOrEvent(
                workbench.events.wakeDescriptor,
                milliseconds: timeout(
                    dirty: dirty, streaming: streaming, sinceFrame: Date().timeIntervalSince(lastFrame)))
        }
        hangup.stop()
        screen.stop()
    }

    /// How long the loop may sleep: until the owed frame is due, until a streaming run's next elapsed-time
    /// frame, else the idle cap.
    static func timeout(dirty: Bool, streaming: Bool, sinceFrame: TimeInterval) -> Int32 {
        let due: TimeInterval
        if dirty {
            due = 0.033 - sinceFrame
        } else if streaming {
            due = 0.25 - sinceFrame
        } else {
            return 200
        }
        return Int32(max(1, min(200, (due * 1000).rounded(.up))))
    }

    /// Sleeps until the keyboard (standard input) or the event pipe has something, or the time is up. The wait
    /// is off the main actor, so tasks that need it (a job's completion) run meanwhile.
    static func waitForInputOrEvent(_ wake: Int32?, milliseconds: Int32) async {
        await Task.detached {
            var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
            if let wake { descriptors.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        }.value
    }

    /// Runs a shell command on the user's terminal and waits for it. `system(3)` keeps the child in whet's
    /// session and process group, so interactive programs (vim, less) can read the terminal; Foundation's
    /// `Process` starts children in a new session on Linux, where they have no controlling terminal.
    static func runInTerminal(_ command: String) {
        _ = command.withCString { system($0) }
    }

    /// `text` as one single-quoted shell word.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// On a crash, give the terminal back before dying so the user's shell is not left in raw mode.
    static func installCrashHandlers() {
        for code in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(code) { received in
                endwin()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}

/// Watches for SIGHUP and SIGTERM (the SSH connection dropping, a kill) and runs a last action on the main
/// actor: keep unsaved edits, restore the terminal, exit.
@MainActor
final class HangupWatcher {
    private var sources: [DispatchSourceSignal] = []

    init(_ action: @escaping @MainActor () -> Void) {
        for code in [SIGHUP, SIGTERM] {
            signal(code, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: code, queue: .main)
            source.setEventHandler { MainActor.assumeIsolated { action() } }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        sources = []
    }
}
