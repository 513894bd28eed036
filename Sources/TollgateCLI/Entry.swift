import ArgumentParser
import Logging
import NIOCore
import NIOPosix

/// The process entry point.
@main
enum Entry {
    static func main() async {
        // Run Swift concurrency on NIO's event loops: request handlers then share threads with the
        // sockets they serve, instead of hopping between two thread pools on every await.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        LoggingSystem.bootstrap(ConsoleLogHandler.init(label:))
        await TollgateCommand.main()
    }
}
