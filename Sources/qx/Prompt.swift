import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks on the terminal; `secret` turns echo off while the answer is typed.
enum Prompt {
    static func ask(_ question: String, secret: Bool = false) throws -> String {
        FileHandle.standardError.write(Data(question.utf8))
        var saved = termios()
        let isTTY = isatty(STDIN_FILENO) == 1
        if secret, isTTY {
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if secret, isTTY {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        guard let line = readLine(strippingNewline: true) else { throw QXError("no input") }
        return line
    }
}
