function Get-KonnektItem {
    <#
    .SYNOPSIS
    Shows the SharePoint side of a file or folder: web URL, check-out and lock, ETag, version,
    cache and upload state.
    .DESCRIPTION
    Calls item.info for a local path (under the Konnekt mount root or a Konnekt drive) or a
    namespace path tenant/site/library/... Pipe files from Get-ChildItem.
    .PARAMETER Path
    Local path or namespace path. Accepts pipeline input (strings, Get-ChildItem output by
    FullName, Konnekt objects by Path).
    .EXAMPLE
    Get-KonnektItem -Path ~/Konnekt/contoso/Marketing/Documents/Plan.docx

    Shows who has Plan.docx checked out or locked, its version and its SharePoint URL.
    .EXAMPLE
    Get-ChildItem ~/Marketing -File | Get-KonnektItem | Where-Object PendingUpload

    Lists the files in ~/Marketing whose changes are not uploaded yet.
    .INPUTS
    System.String, System.IO.FileSystemInfo, or objects with a Path property.
    .OUTPUTS
    Konnekt.Item
    .LINK
    Get-KonnektItemVersion
    .LINK
    Open-KonnektSite
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.Item')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string]$Path
    )
    process {
        $itemPath = Resolve-KonnektItemPath -Cmdlet $PSCmdlet -Path $Path
        try {
            $item = Invoke-KonnektRpc -Method 'item.info' -Params @{ path = $itemPath } -TimeoutSeconds 60
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Path))
            return
        }
        ConvertTo-KonnektObject -InputObject $item -TypeName 'Konnekt.Item'
    }
}
