// drp command-line tool.
import Foundation

FileHandle.standardError.write(Data("drp: not built yet\n".utf8))
exit(2)
