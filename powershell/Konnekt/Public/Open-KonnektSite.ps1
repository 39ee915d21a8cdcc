function Open-KonnektSite {
    <#
    .SYNOPSIS
    Opens a site, library, folder or file in SharePoint in the default browser.
    .DESCRIPTION
    Asks the daemon for the item's web URL (item.webUrl) and opens it with the default browser
    (xdg-open on Linux, open on macOS, the shell on Windows). With -PassThru the URL is returned
    instead of being opened, for scripts, sessions without a browser and tests.
    .PARAMETER Path
    Local path or namespace path (tenant/site, tenant/site/library, or deeper). Accepts pipeline
    input (Konnekt.Site, Konnekt.Library, Konnekt.Item, Get-ChildItem output).
    .PARAMETER PassThru
    Return the URL as a string instead of opening the browser.
    .EXAMPLE
    Open-KonnektSite -Path contoso/Marketing

    Opens the Marketing site in the browser.
    .EXAMPLE
    Get-ChildItem ~/Marketing/Plan.docx | Open-KonnektSite -PassThru

    Prints the SharePoint URL of Plan.docx.
    .INPUTS
    System.String, System.IO.FileSystemInfo, or objects with a Path property.
    .OUTPUTS
    System.String (with -PassThru).
    .LINK
    Get-KonnektItem
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [switch]$PassThru
    )
    process {
        $itemPath = Resolve-KonnektItemPath -Cmdlet $PSCmdlet -Path $Path
        try {
            $result = Invoke-KonnektRpc -Method 'item.webUrl' -Params @{ path = $itemPath } -TimeoutSeconds 60
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Path))
            return
        }
        $url = [string]$result.url
        if ($PassThru) { return $url }
        try {
            if (Test-KonnektWindow) {
                Start-Process -FilePath $url
            } elseif (Test-Path -LiteralPath '/usr/bin/open') {
                Start-Process -FilePath '/usr/bin/open' -ArgumentList $url
            } else {
                Start-Process -FilePath 'xdg-open' -ArgumentList $url
            }
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -Code 'notSupported' -Message "Could not open a browser ($($_.Exception.Message)). The address is $url" -TargetObject $url))
        }
    }
}
