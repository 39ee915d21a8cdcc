function Write-KonnektMessage {
    <#
    .SYNOPSIS
    Writes one JSON-RPC message with Content-Length framing (docs/rpc.md section 2).
    .DESCRIPTION
    ASCII header `Content-Length: <bytes>`, blank line, then the UTF-8 body; the length counts
    bytes, not characters. One Write call per message so concurrent notifications cannot interleave.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.IO.Stream]$Stream,

        [Parameter(Mandatory)]
        [string]$Json
    )
    $body = [System.Text.UTF8Encoding]::new($false).GetBytes($Json)
    $header = [System.Text.Encoding]::ASCII.GetBytes("Content-Length: $($body.Length)`r`n`r`n")
    $frame = [byte[]]::new($header.Length + $body.Length)
    [System.Array]::Copy($header, 0, $frame, 0, $header.Length)
    [System.Array]::Copy($body, 0, $frame, $header.Length, $body.Length)
    $Stream.Write($frame, 0, $frame.Length)
    $Stream.Flush()
}
