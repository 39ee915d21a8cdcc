function Get-KonnektCli {
    <#
    .SYNOPSIS
    How to run the `konnekt` command line: KONNEKT_CLI (a path to cli.js run with node, or to an
    executable), else `konnekt` on PATH. Returns @{ FilePath; Arguments } or throws notFound.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()
    $cli = $env:KONNEKT_CLI
    if ($cli) {
        if (-not (Test-Path -LiteralPath $cli -PathType Leaf)) {
            throw (ConvertTo-KonnektErrorRecord -Code 'notFound' -Message "KONNEKT_CLI points to '$cli', which does not exist.")
        }
        if ($cli -match '\.(c|m)?js$') {
            $node = Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            if (-not $node) {
                throw (ConvertTo-KonnektErrorRecord -Code 'notFound' -Message "KONNEKT_CLI is a JavaScript file ('$cli') but node is not on PATH.")
            }
            return @{ FilePath = $node.Source; Arguments = @($cli) }
        }
        return @{ FilePath = $cli; Arguments = @() }
    }
    $konnekt = Get-Command -Name 'konnekt' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $konnekt) {
        throw (ConvertTo-KonnektErrorRecord -Code 'notFound' -Message "The konnekt command was not found on PATH. Install Konnekt or set KONNEKT_CLI to the path of konnekt's cli.js.")
    }
    return @{ FilePath = $konnekt.Source; Arguments = @() }
}
